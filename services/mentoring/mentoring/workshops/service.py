"""Workshop rules: checked times, stage, tracks and mentors; who sees which; attendance."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import TypeVarTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, NotFound, Unprocessable
from smartcity_vocabulary import time_zone_of_region
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import READERS_OF_ALL, mentor_of
from ..curriculum.models import Stage
from ..mentors.models import Mentor
from ..problems import ATTENDANCE_NOT_YOURS, WORKSHOP_OVERLAP
from ..tracks.models import Track, TrackMentor
from ..vocabulary import WorkshopMode
from . import events
from .models import Workshop, WorkshopMentor, WorkshopTrack
from .schemas import AttendanceIn, AttendanceOut, SessionIn, SessionOut
from .validation import attendance_problems, clash_problems, workshop_problems

Ts = TypeVarTuple("Ts")


def _offset_minutes(value: datetime) -> int:
    offset = value.utcoffset()
    assert offset is not None  # AwareDatetime
    return int(offset.total_seconds() // 60)


def _with_offset(value: datetime, minutes: int) -> datetime:
    return value.astimezone(timezone(timedelta(minutes=minutes)) if minutes else UTC)


async def create_workshop(session: AsyncSession, data: SessionIn, caller: Caller) -> Workshop:
    stages: list[str] = []
    if await session.get(Stage, data.stage) is None:
        stages = list((await session.execute(sa.select(Stage.code).order_by(Stage.position))).scalars())
    # tracks and mentors are locked (each in one order) so that two overlapping workshops cannot both be booked
    locked = sa.select(Track).where(Track.id.in_(data.track_ids)).order_by(Track.id).with_for_update()
    tracks = {t.id: t for t in (await session.execute(locked)).scalars()}
    locked_mentors = sa.select(Mentor.id).where(Mentor.id.in_(data.mentor_ids)).order_by(Mentor.id).with_for_update()
    known_mentors = set((await session.execute(locked_mentors)).scalars())
    errors = workshop_problems(data, stages, {t.id: t.status for t in tracks.values()}, known_mentors)
    if errors:
        raise Unprocessable("The workshop has {count} problem(s); nothing was saved.", errors=errors, count=len(errors))

    await refuse_double_booking(session, data)
    workshop = Workshop(
        stage=data.stage,
        title=data.title,
        starts_at=data.starts_at,
        starts_offset=_offset_minutes(data.starts_at),
        ends_at=data.ends_at,
        ends_offset=_offset_minutes(data.ends_at),
        mode=data.mode,
        venue=data.venue,
        url=data.url,
        created_by=caller.actor,
    )
    session.add(workshop)
    await session.flush()
    session.add_all(WorkshopTrack(session_id=workshop.id, track_id=t) for t in dict.fromkeys(data.track_ids))
    session.add_all(WorkshopMentor(session_id=workshop.id, mentor_id=m) for m in dict.fromkeys(data.mentor_ids))
    await session.flush()
    await session.refresh(workshop)
    await events.scheduled(
        session,
        workshop,
        [tracks[t] for t in dict.fromkeys(data.track_ids)],
        list(dict.fromkeys(data.mentor_ids)),
        data.starts_at,
        data.ends_at,
    )
    return workshop


async def refuse_double_booking(session: AsyncSession, data: SessionIn) -> None:
    """409 when a track or a mentor is already in a workshop at an overlapping time."""
    overlaps = sa.and_(Workshop.starts_at < data.ends_at, Workshop.ends_at > data.starts_at)
    busy_tracks = (
        await session.execute(
            sa.select(WorkshopTrack.track_id, Workshop.id)
            .join(Workshop, Workshop.id == WorkshopTrack.session_id)
            .where(WorkshopTrack.track_id.in_(data.track_ids), overlaps)
            .order_by(WorkshopTrack.track_id)
        )
    ).all()
    busy_mentors = (
        await session.execute(
            sa.select(WorkshopMentor.mentor_id, Workshop.id)
            .join(Workshop, Workshop.id == WorkshopMentor.session_id)
            .where(WorkshopMentor.mentor_id.in_(data.mentor_ids), overlaps)
            .order_by(WorkshopMentor.mentor_id)
        )
    ).all()
    if busy_tracks or busy_mentors:
        clashes = clash_problems(data, busy_tracks, busy_mentors)
        raise AppError(
            WORKSHOP_OVERLAP,
            "The workshop overlaps another one: {count} of its tracks and mentors are in another session then.",
            errors=clashes,
            count=len(clashes),
            extra={
                "busy_track_ids": sorted({str(t) for t, _ in busy_tracks}),
                "busy_mentor_ids": sorted({str(m) for m, _ in busy_mentors}),
            },
        )


async def scope_workshops(session: AsyncSession, stmt: sa.Select[*Ts], caller: Caller) -> sa.Select[*Ts]:
    """Regions see workshops of their track; mentors those they run or whose tracks they mentor."""
    if caller.role in READERS_OF_ALL:
        return stmt
    if caller.role == Role.REGION and caller.region_code:
        own = (
            sa.select(WorkshopTrack.session_id)
            .join(Track, Track.id == WorkshopTrack.track_id)
            .where(Track.region_code == caller.region_code)
        )
        return stmt.where(Workshop.id.in_(own))
    if caller.role == Role.MENTOR:
        mentor = await mentor_of(session, caller)
        if mentor is not None:
            runs = sa.select(WorkshopMentor.session_id).where(WorkshopMentor.mentor_id == mentor.id)
            mentored = (
                sa.select(WorkshopTrack.session_id)
                .join(TrackMentor, TrackMentor.track_id == WorkshopTrack.track_id)
                .where(TrackMentor.mentor_id == mentor.id)
            )
            return stmt.where(sa.or_(Workshop.id.in_(runs), Workshop.id.in_(mentored)))
    return stmt.where(sa.false())


async def workshop_or_404(session: AsyncSession, caller: Caller, workshop_id: uuid.UUID) -> Workshop:
    """The workshop (a `session` in the API) if `caller` may see it; 404 otherwise."""
    stmt = await scope_workshops(session, sa.select(Workshop).where(Workshop.id == workshop_id), caller)
    workshop = (await session.execute(stmt)).scalar()
    if workshop is None:
        raise NotFound("No session {session_id} is visible to you.", session_id=workshop_id)
    return workshop


async def record_attendance(
    session: AsyncSession, caller: Caller, workshop: Workshop, rows: list[AttendanceIn]
) -> None:
    members = {
        r.track_id: r
        for r in (
            await session.execute(
                sa.select(WorkshopTrack).where(WorkshopTrack.session_id == workshop.id).with_for_update()
            )
        ).scalars()
    }
    errors = attendance_problems(rows, set(members))
    seen = {row.track_id for row in rows}
    if errors:
        raise Unprocessable(
            "The attendance has {count} problem(s); nothing was saved.", errors=errors, count=len(errors)
        )
    if caller.role == Role.MENTOR:
        mentor = await mentor_of(session, caller)
        assert mentor is not None  # the workshop was visible
        runs = await session.get(WorkshopMentor, (workshop.id, mentor.id))
        if runs is None:
            assigned = set(
                (
                    await session.execute(
                        sa.select(TrackMentor.track_id).where(
                            TrackMentor.mentor_id == mentor.id, TrackMentor.track_id.in_(seen)
                        )
                    )
                ).scalars()
            )
            if seen - assigned:
                raise AppError(
                    ATTENDANCE_NOT_YOURS,
                    "A mentor records attendance of the sessions they run or the tracks they mentor.",
                )
    who = caller.actor
    for row in rows:
        member = members[row.track_id]
        member.present = row.present
        member.attendees = list(row.attendees)
        member.recorded_at = sa.func.now()
        member.recorded_by = who
    await session.flush()
    tracks = {t.id: t for t in (await session.execute(sa.select(Track).where(Track.id.in_(seen)))).scalars()}
    await events.attendance_recorded(
        session, workshop, [(members[row.track_id], tracks[row.track_id]) for row in rows], who
    )


async def region_time_zone(session: AsyncSession, region_code: str) -> str:
    stmt = sa.select(Track.time_zone).where(Track.region_code == region_code).limit(1)
    return (await session.execute(stmt)).scalar() or time_zone_of_region(region_code)


async def workshops_out(session: AsyncSession, caller: Caller, workshops: list[Workshop]) -> list[SessionOut]:
    """Output for `caller`: a region sees only its own tracks, and the times in its own zone too."""
    ids = [w.id for w in workshops]
    members: dict[uuid.UUID, list[tuple[WorkshopTrack, str]]] = {i: [] for i in ids}
    mentors: dict[uuid.UUID, list[uuid.UUID]] = {i: [] for i in ids}
    if ids:
        stmt = (
            sa.select(WorkshopTrack, Track.region_code)
            .join(Track, Track.id == WorkshopTrack.track_id)
            .where(WorkshopTrack.session_id.in_(ids))
            .order_by(Track.region_code, WorkshopTrack.track_id)
        )
        if caller.role == Role.REGION:
            stmt = stmt.where(Track.region_code == caller.region_code)
        for member, region_code in (await session.execute(stmt)).all():
            members[member.session_id].append((member, region_code))
        of_mentors = (
            sa.select(WorkshopMentor).where(WorkshopMentor.session_id.in_(ids)).order_by(WorkshopMentor.mentor_id)
        )
        for m in (await session.execute(of_mentors)).scalars():
            mentors[m.session_id].append(m.mentor_id)
    zone = None
    if caller.role == Role.REGION and caller.region_code:
        zone = await region_time_zone(session, caller.region_code)
    out = []
    for w in workshops:
        local = ZoneInfo(zone) if zone else None
        out.append(
            SessionOut(
                id=w.id,
                stage=w.stage,
                title=w.title,
                starts_at=_with_offset(w.starts_at, w.starts_offset),
                ends_at=_with_offset(w.ends_at, w.ends_offset),
                mode=WorkshopMode(w.mode),
                venue=w.venue,
                url=w.url,
                track_ids=[m.track_id for m, _ in members[w.id]],
                mentor_ids=mentors[w.id],
                attendance=[
                    AttendanceOut(
                        track_id=m.track_id,
                        region_code=region_code,
                        present=m.present,
                        attendees=list(m.attendees or []),
                        recorded_at=m.recorded_at,
                    )
                    for m, region_code in members[w.id]
                ],
                created_at=w.created_at,
                time_zone=zone,
                local_starts_at=w.starts_at.astimezone(local) if local else None,
                local_ends_at=w.ends_at.astimezone(local) if local else None,
            )
        )
    return out
