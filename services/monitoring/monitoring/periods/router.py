"""HTTP routes of reporting periods."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Path
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import AppError, problem_responses

from ..access import CanManageProgramme
from ..dependencies import PathPeriod
from ..problems import PERIOD_ALREADY_LOCKED, PERIOD_EXISTS
from ..vocabulary import PERIOD_CODE, PeriodStatus
from . import service
from .models import Period
from .schemas import PeriodIn, PeriodOut

router = APIRouter(prefix="/api/v1/monitoring/periods", tags=["periods"])
PeriodCode = Path(pattern=PERIOD_CODE)


@router.post(
    "",
    status_code=201,
    response_model=PeriodOut,
    responses=problem_responses(401, 403, PERIOD_EXISTS, 422),
    dependencies=[CanManageProgramme],
)
async def open_period(body: PeriodIn, session: SessionDep, caller: CallerDep) -> PeriodOut:
    return PeriodOut.model_validate(await service.open_period(session, body, caller))


@router.get("", response_model=Page[PeriodOut], responses=problem_responses(401, 422))
async def list_periods(
    session: SessionDep, status: PeriodStatus | None = None, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[PeriodOut]:
    stmt = sa.select(Period)
    if status:
        stmt = stmt.where(Period.status == status)
    rows, next_cursor = await keyset_page(
        session, stmt, keys=[Period.code], key_of=lambda p: [p.code], limit=limit, cursor=cursor
    )
    return Page(items=[PeriodOut.model_validate(p) for p in rows], next_cursor=next_cursor)


@router.get("/{code}", response_model=PeriodOut, responses=problem_responses(401, 404))
async def get_period(period: PathPeriod) -> PeriodOut:
    return PeriodOut.model_validate(period)


@router.post(
    "/{code}/lock",
    response_model=PeriodOut,
    responses=problem_responses(401, 403, 404, PERIOD_ALREADY_LOCKED),
    dependencies=[CanManageProgramme],
)
async def lock_period(found: PathPeriod, session: SessionDep, caller: CallerDep) -> PeriodOut:
    """Refuse every further submission of the period (an operator may still reopen one region's report)."""
    period = await service.lock_period(session, found.code, caller.actor)
    if period is None:
        raise AppError(PERIOD_ALREADY_LOCKED, "The period {code} is locked already.", code=found.code)
    return PeriodOut.model_validate(period)
