"""Who sees which track: regions their own, mentors the tracks assigned to them, staff and partners all."""

from __future__ import annotations

import contextlib
import uuid
from typing import Annotated, TypeVarTuple

import sqlalchemy as sa
from fastapi import Depends
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import SERVICE, Caller, CallerDep, Role, require_roles
from smartcity_kit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from .mentors.models import Mentor
from .tracks.models import Track, TrackMentor

# who may do what, named once; a route names its permission, and the gateway's table says the same
# (tests/test_permissions.py)
CanManageProgramme = require_roles(Role.ADMIN, Role.OPERATOR)
# a region for its own track (the route checks which), or staff for any
OwnRegionOrStaff = require_roles(Role.ADMIN, Role.OPERATOR, Role.REGION)
# a mentor for the tracks assigned to it (the route checks which), or staff for any
AssignedMentorOrStaff = require_roles(Role.ADMIN, Role.OPERATOR, Role.MENTOR)

READERS_OF_ALL = (Role.ADMIN, Role.OPERATOR, Role.PARTNER, Role.AUDITOR, SERVICE)

Ts = TypeVarTuple("Ts")


async def mentor_of(session: AsyncSession, caller: Caller) -> Mentor | None:
    """The mentor record a `mentor` caller stands for: its token's subject is the mentor's id or e-mail."""
    if caller.role != Role.MENTOR:
        return None
    condition = sa.func.lower(Mentor.email) == caller.subject.lower()
    with contextlib.suppress(ValueError):  # a subject that is not a UUID is an e-mail
        condition = sa.or_(condition, Mentor.id == uuid.UUID(caller.subject))
    return (await session.execute(sa.select(Mentor).where(condition).limit(1))).scalar()


async def scope_tracks(session: AsyncSession, stmt: sa.Select[*Ts], caller: Caller) -> sa.Select[*Ts]:
    """`stmt` (selecting from tracks) narrowed to what `caller` may see."""
    if caller.role in READERS_OF_ALL:
        return stmt
    if caller.role == Role.REGION and caller.region_code:
        return stmt.where(Track.region_code == caller.region_code)
    if caller.role == Role.MENTOR:
        mentor = await mentor_of(session, caller)
        if mentor is not None:
            assigned = sa.select(TrackMentor.track_id).where(TrackMentor.mentor_id == mentor.id)
            return stmt.where(Track.id.in_(assigned))
    return stmt.where(sa.false())


async def track_or_404(session: AsyncSession, caller: Caller, track_id: uuid.UUID, *, lock: bool = False) -> Track:
    """The track if `caller` may see it; 404 otherwise, so that existence does not leak."""
    stmt = await scope_tracks(session, sa.select(Track).where(Track.id == track_id), caller)
    if lock:
        stmt = stmt.with_for_update(of=Track).execution_options(populate_existing=True)
    track = (await session.execute(stmt)).scalar()
    if track is None:
        raise not_visible(track_id)
    return track


def not_visible(track_id: uuid.UUID) -> NotFound:
    """The 404 for a track that does not exist or that the caller may not see: the same, so existence does not
    leak."""
    return NotFound("No track {track_id} is visible to you.", track_id=track_id)


async def visible_track(track_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Track:
    """The path's track as `caller` may see it (404 otherwise), for the routes that only read it."""
    return await track_or_404(session, caller, track_id)


async def locked_track(track_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Track:
    """The same, locked until the request's transaction ends, for the routes whose first lock is the track's
    (what they lock after it, a mentor or a plan, comes after it as before)."""
    return await track_or_404(session, caller, track_id, lock=True)


# a route names the track of its path once: `track: VisibleTrack` to read it, `LockedTrack` to change it
VisibleTrack = Annotated[Track, Depends(visible_track)]
LockedTrack = Annotated[Track, Depends(locked_track)]
