"""HTTP routes of tracks: reading, mentor assignment and advancing."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from smartcity_kit.db import SessionDep, row_dicts
from smartcity_kit.etag import etag_of, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses
from smartcity_vocabulary import TrackStatus

from ..access import CanManageProgramme, LockedTrack, not_visible, scope_tracks, track_or_404
from ..problems import (
    MENTOR_ALREADY_ASSIGNED,
    MENTOR_AT_CAPACITY,
    MENTOR_HOME_REGION,
    TRACK_NOT_ACTIVE,
    TRACK_STAGE_INCOMPLETE,
)
from . import service
from .models import Track, TrackMentor
from .schemas import MentorAssignment, TrackOut

router = APIRouter(prefix="/api/v1/tracks", tags=["tracks"])

STAGE_PATTERN = r"^[a-z0-9_]{1,32}$"
REGION_PATTERN = r"^\d{2}\.\d{2}$"


@router.get("", response_model=Page[TrackOut], responses=problem_responses(401, 422))
async def list_tracks(
    session: SessionDep,
    caller: CallerDep,
    phase_code: str | None = Query(None, max_length=64),
    stage: str | None = Query(None, pattern=STAGE_PATTERN),
    status: TrackStatus | None = None,
    mentor_id: uuid.UUID | None = None,
    participant_id: uuid.UUID | None = None,
    region_code: str | None = Query(None, pattern=REGION_PATTERN),
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[TrackOut]:
    stmt = await scope_tracks(session, sa.select(*service.OUT_COLUMNS), caller)
    if phase_code:
        stmt = stmt.where(Track.phase_code == phase_code)
    if stage:
        stmt = stmt.where(Track.stage == stage)
    if status:
        stmt = stmt.where(Track.status == status)
    if mentor_id:
        stmt = stmt.where(Track.id.in_(sa.select(TrackMentor.track_id).where(TrackMentor.mentor_id == mentor_id)))
    if participant_id:
        stmt = stmt.where(Track.participant_id == participant_id)
    if region_code:
        stmt = stmt.where(Track.region_code == region_code)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Track.opened_at, Track.id],
        key_of=lambda t: [t["opened_at"].isoformat(), str(t["id"])],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
        as_dicts=True,
    )
    return Page[TrackOut].model_validate({"items": rows, "next_cursor": next_cursor})


@router.get("/{track_id}", response_model=TrackOut, responses=problem_responses(401, 404, 422))
async def read_track(track_id: uuid.UUID, session: SessionDep, caller: CallerDep, response: Response) -> TrackOut:
    stmt = await scope_tracks(session, sa.select(*service.OUT_COLUMNS).where(Track.id == track_id), caller)
    found = row_dicts(await session.execute(stmt))
    if not found:
        raise not_visible(track_id)
    out = TrackOut.model_validate(found[0])
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out


@router.post(
    "/{track_id}/mentors",
    status_code=201,
    response_model=TrackOut,
    responses=problem_responses(
        401,
        403,
        404,
        TRACK_NOT_ACTIVE,
        MENTOR_ALREADY_ASSIGNED,
        MENTOR_HOME_REGION,
        MENTOR_AT_CAPACITY,
        422,
    ),
    dependencies=[CanManageProgramme],
)
async def assign_mentor(track: LockedTrack, data: MentorAssignment, session: SessionDep, caller: CallerDep) -> TrackOut:
    """Assign a mentor; 409 when the mentor is at `max_tracks` or would mentor their own home region."""
    await service.assign_mentor(session, track, data.mentor_id, caller)
    return await service.track_out(session, track)


@router.delete(
    "/{track_id}/mentors/{mentor_id}",
    status_code=204,
    responses=problem_responses(401, 403, 404),
    dependencies=[CanManageProgramme],
)
async def unassign_mentor(track_id: uuid.UUID, mentor_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> None:
    """Take a mentor off a track; the place counts toward their capacity no more."""
    # explicit, so that the path's parameters keep their order in the OpenAPI document (and the clients)
    track = await track_or_404(session, caller, track_id, lock=True)
    await service.unassign_mentor(session, track, mentor_id, caller)


@router.post(
    "/{track_id}/advance",
    response_model=TrackOut,
    responses=problem_responses(401, 403, 404, TRACK_NOT_ACTIVE, TRACK_STAGE_INCOMPLETE),
    dependencies=[CanManageProgramme],
)
async def advance_track(track: LockedTrack, session: SessionDep, caller: CallerDep) -> TrackOut:
    """The next stage; from the last stage, completion (which also needs an approved master plan)."""
    await service.advance(session, track)
    return await service.track_out(session, track)
