"""HTTP routes of mentors."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses
from smartcity_vocabulary import Dimension

from ..access import CanManageProgramme
from ..problems import MENTOR_EMAIL_TAKEN
from . import service
from .models import Mentor
from .schemas import MentorIn, MentorOut

router = APIRouter(prefix="/api/v1/mentors", tags=["mentors"])


@router.post(
    "",
    status_code=201,
    response_model=MentorOut,
    responses=problem_responses(401, 403, 409, MENTOR_EMAIL_TAKEN, 422),
    dependencies=[CanManageProgramme],
)
async def create_mentor(data: MentorIn, session: SessionDep) -> MentorOut:
    mentor = await service.create_mentor(session, data)
    await session.refresh(mentor)
    return service.mentor_out(mentor, 0)


@router.get("", response_model=Page[MentorOut], responses=problem_responses(401, 422))
async def list_mentors(
    session: SessionDep,
    _: CallerDep,
    dimension: Dimension | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[MentorOut]:
    stmt = sa.select(Mentor)
    if dimension:
        stmt = stmt.where(Mentor.expertise.contains([dimension]))
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Mentor.created_at, Mentor.id],
        key_of=lambda m: [m.created_at.isoformat(), str(m.id)],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    loads = await service.active_track_counts(session, [m.id for m in rows])
    return Page[MentorOut](items=[service.mentor_out(m, loads.get(m.id, 0)) for m in rows], next_cursor=next_cursor)


@router.get("/{mentor_id}", response_model=MentorOut, responses=problem_responses(401, 404, 422))
async def read_mentor(mentor_id: uuid.UUID, session: SessionDep, _: CallerDep, response: Response) -> MentorOut:
    mentor = await service.get_mentor(session, mentor_id)
    out = service.mentor_out(mentor, await service.active_track_count(session, mentor.id))
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out
