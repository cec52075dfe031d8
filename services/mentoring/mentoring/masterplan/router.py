"""HTTP routes of the master plan."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.problems import problem_responses

from ..access import CanManageProgramme, LockedTrack, OwnRegionOrStaff, VisibleTrack
from ..problems import (
    MASTERPLAN_ALREADY_APPROVED,
    MASTERPLAN_FROZEN,
    MASTERPLAN_INVALID,
    MASTERPLAN_MISSING,
    TRACK_NOT_ACTIVE,
)
from . import service
from .models import MasterPlan
from .schemas import MasterPlanIn, MasterPlanOut

router = APIRouter(prefix="/api/v1/tracks/{track_id}/masterplan", tags=["masterplan"])


async def track_plan(track: VisibleTrack, session: SessionDep) -> MasterPlan:
    """The master plan of the path's track (404 when the track is not visible or has none yet)."""
    return await service.plan_or_404(session, track)


TrackPlan = Annotated[MasterPlan, Depends(track_plan)]


@router.put(
    "",
    response_model=MasterPlanOut,
    responses={
        201: {"description": "Created", "model": MasterPlanOut},
        **problem_responses(401, 403, 404, 409, TRACK_NOT_ACTIVE, MASTERPLAN_FROZEN, 412, 422, 428),
    },
    dependencies=[OwnRegionOrStaff],
)
async def put_master_plan(
    track: LockedTrack,
    data: MasterPlanIn,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
) -> MasterPlanOut:
    """Create (201, no If-Match needed) or replace (200, If-Match required) the plan; every problem in one 422."""
    plan, created = await service.put_plan(session, request, track, data, caller)
    response.status_code = 201 if created else 200
    set_etag(response, service.plan_etag(plan))
    return service.plan_out(plan)


@router.get("", response_model=MasterPlanOut, responses=problem_responses(401, 404))
async def read_master_plan(plan: TrackPlan, response: Response) -> MasterPlanOut:
    """The plan with its `roadmap`: the initiatives per year and dimension."""
    set_etag(response, service.plan_etag(plan))
    return service.plan_out(plan)


@router.post(
    "/approve",
    response_model=MasterPlanOut,
    responses=problem_responses(
        401,
        403,
        404,
        TRACK_NOT_ACTIVE,
        MASTERPLAN_MISSING,
        MASTERPLAN_ALREADY_APPROVED,
        422,
        MASTERPLAN_INVALID,
    ),
    dependencies=[CanManageProgramme],
)
async def approve_master_plan(
    track: LockedTrack, response: Response, session: SessionDep, caller: CallerDep
) -> MasterPlanOut:
    """Freeze the plan; the track can then complete from the last stage.

    A draft that breaks the rules in force (it was saved under an earlier rule) is 422 with every problem.
    """
    plan = await service.approve_plan(session, track, caller)
    set_etag(response, service.plan_etag(plan))
    return service.plan_out(plan)
