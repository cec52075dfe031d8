"""HTTP routes of workshops (`/api/v1/sessions`) and their attendance."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Body, Depends, Query, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses
from smartcity_kit.schemas import Rfc3339Time

from ..access import AssignedMentorOrStaff, CanManageProgramme
from ..problems import ATTENDANCE_NOT_YOURS, WORKSHOP_OVERLAP
from . import service
from .models import Workshop, WorkshopTrack
from .schemas import AttendanceIn, SessionIn, SessionOut

router = APIRouter(prefix="/api/v1/sessions", tags=["sessions"])


async def visible_workshop(session_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Workshop:
    """The path's workshop (a `session` in the API) as `caller` may see it; 404 otherwise."""
    return await service.workshop_or_404(session, caller, session_id)


# a route names the workshop of its path once: `workshop: VisibleWorkshop`
VisibleWorkshop = Annotated[Workshop, Depends(visible_workshop)]


@router.post(
    "",
    status_code=201,
    response_model=SessionOut,
    responses=problem_responses(401, 403, WORKSHOP_OVERLAP, 422),
    dependencies=[CanManageProgramme],
)
async def create_session(data: SessionIn, session: SessionDep, caller: CallerDep) -> SessionOut:
    """Schedule a workshop for many tracks at once; every problem named in one 422; 409 on double booking."""
    workshop = await service.create_workshop(session, data, caller)
    return (await service.workshops_out(session, caller, [workshop]))[0]


@router.get("", response_model=Page[SessionOut], responses=problem_responses(401, 422))
async def list_sessions(
    session: SessionDep,
    caller: CallerDep,
    track_id: uuid.UUID | None = None,
    from_: Rfc3339Time | None = Query(None, alias="from", description="Sessions starting at or after."),
    to: Rfc3339Time | None = Query(None, description="Sessions starting before."),
    stage: str | None = Query(None, max_length=32),
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[SessionOut]:
    """Workshops in start order; a region caller also gets `local_starts_at`/`local_ends_at` in its zone."""
    stmt = await service.scope_workshops(session, sa.select(Workshop), caller)
    if track_id:
        stmt = stmt.where(
            Workshop.id.in_(sa.select(WorkshopTrack.session_id).where(WorkshopTrack.track_id == track_id))
        )
    if from_:
        stmt = stmt.where(Workshop.starts_at >= from_)
    if to:
        stmt = stmt.where(Workshop.starts_at < to)
    if stage:
        stmt = stmt.where(Workshop.stage == stage)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Workshop.starts_at, Workshop.id],
        key_of=lambda w: [w.starts_at.isoformat(), str(w.id)],
        limit=limit,
        cursor=cursor,
        convert=[_aware, uuid.UUID],
    )
    return Page[SessionOut](items=await service.workshops_out(session, caller, rows), next_cursor=next_cursor)


@router.get("/{session_id}", response_model=SessionOut, responses=problem_responses(401, 404))
async def read_session(
    workshop: VisibleWorkshop, session: SessionDep, caller: CallerDep, response: Response
) -> SessionOut:
    out = (await service.workshops_out(session, caller, [workshop]))[0]
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out


@router.put(
    "/{session_id}/attendance",
    response_model=SessionOut,
    responses=problem_responses(401, 403, ATTENDANCE_NOT_YOURS, 404, 422),
    dependencies=[AssignedMentorOrStaff],
)
async def put_attendance(
    workshop: VisibleWorkshop,
    session: SessionDep,
    caller: CallerDep,
    rows: list[AttendanceIn] = Body(max_length=1000),
) -> SessionOut:
    """Record who came, per track; tracks not named keep what they had."""
    await service.record_attendance(session, caller, workshop, rows)
    return (await service.workshops_out(session, caller, [workshop]))[0]


def _aware(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("naive")
    return parsed
