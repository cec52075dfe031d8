"""HTTP routes of the master plan."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.problems import problem_responses

from ..access import CanManageProgramme, OwnRegionOrStaff, VisibleTrack, track_or_404
from . import service
from .schemas import MasterPlanIn, MasterPlanOut

router = APIRouter(prefix="/api/v1/tracks/{track_id}/masterplan", tags=["masterplan"])


@router.put(
    "",
    response_model=MasterPlanOut,
    responses={
        201: {"description": "Created", "model": MasterPlanOut},
        **problem_responses(401, 403, 404, 409, 412, 422, 428),
    },
    dependencies=[OwnRegionOrStaff],
)
async def put_master_plan(
    track_id: uuid.UUID,
    data: MasterPlanIn,
    request: Request,
    response: Response,
    session: SessionDep,
    caller: CallerDep,
) -> MasterPlanOut:
    """Create (201, no If-Match needed) or replace (200, If-Match required) the plan; every problem in one 422."""
    track = await track_or_404(session, caller, track_id, lock=True)
    plan, created = await service.put_plan(session, request, track, data, caller)
    response.status_code = 201 if created else 200
    set_etag(response, service.plan_etag(plan))
    return service.plan_out(plan)


@router.get("", response_model=MasterPlanOut, responses=problem_responses(401, 404))
async def read_master_plan(track: VisibleTrack, response: Response, session: SessionDep) -> MasterPlanOut:
    """The plan with its `roadmap`: the initiatives per year and dimension."""
    plan = await service.plan_or_404(session, track)
    set_etag(response, service.plan_etag(plan))
    return service.plan_out(plan)


@router.post(
    "/approve",
    response_model=MasterPlanOut,
    responses=problem_responses(401, 403, 404, 409, 422),
    dependencies=[CanManageProgramme],
)
async def approve_master_plan(
    track_id: uuid.UUID, response: Response, session: SessionDep, caller: CallerDep
) -> MasterPlanOut:
    """Freeze the plan; the track can then complete from the last stage.

    A draft that breaks the rules in force (it was saved under an earlier rule) is 422 with every problem.
    """
    track = await track_or_404(session, caller, track_id, lock=True)
    plan = await service.approve_plan(session, track, caller)
    set_etag(response, service.plan_etag(plan))
    return service.plan_out(plan)
