"""HTTP routes of phases (cohorts)."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Path, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses

from ..access import CanManageProgramme
from ..problems import PHASE_CODE_TAKEN
from . import service
from .models import Phase
from .schemas import PhaseDetail, PhaseIn, PhaseOut

router = APIRouter(prefix="/api/v1/phases", tags=["phases"])

PhaseCodePath = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", examples=["2018"])]


@router.post(
    "",
    status_code=201,
    response_model=PhaseDetail,
    responses=problem_responses(401, 403, 409, 422, PHASE_CODE_TAKEN),
    dependencies=[CanManageProgramme],
)
async def create_phase(data: PhaseIn, session: SessionDep) -> PhaseDetail:
    """Open a cohort with its quota and registration window (dates, read in each region's time zone)."""
    phase = await service.create_phase(session, data)
    return service.phase_detail(phase, await service.counts_of(session, phase.code))


@router.get("", response_model=Page[PhaseOut], responses=problem_responses(401, 422))
async def list_phases(
    session: SessionDep, _: CallerDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[PhaseOut]:
    rows, next_cursor = await keyset_page(
        session,
        sa.select(Phase),
        keys=[Phase.year, Phase.code],
        key_of=lambda p: [p.year, p.code],
        limit=limit,
        cursor=cursor,
        convert=[int, str],
    )
    return Page[PhaseOut](items=[service.phase_out(p) for p in rows], next_cursor=next_cursor)


@router.get("/{code}", response_model=PhaseDetail, responses=problem_responses(401, 404, 422))
async def read_phase(code: PhaseCodePath, session: SessionDep, _: CallerDep, response: Response) -> PhaseDetail:
    """The phase and `counts`: its participants per status."""
    phase = await service.get_phase(session, code)
    out = service.phase_detail(phase, await service.counts_of(session, code))
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out
