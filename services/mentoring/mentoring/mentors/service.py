"""Mentor records and their load (active tracks assigned)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from smartcity_kit.problems import AppError, NotFound
from smartcity_vocabulary import TrackStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..problems import MENTOR_EMAIL_TAKEN
from ..tracks.models import Track, TrackMentor
from .events import mentor_created
from .models import Mentor
from .schemas import MentorIn, MentorOut


def active_tracks_of(mentor_id: sa.ColumnElement[uuid.UUID]) -> sa.ScalarSelect[int]:
    return (
        sa.select(sa.func.count())
        .select_from(TrackMentor)
        .join(Track, Track.id == TrackMentor.track_id)
        .where(TrackMentor.mentor_id == mentor_id, Track.status == TrackStatus.ACTIVE)
        .scalar_subquery()
    )


async def create_mentor(session: AsyncSession, data: MentorIn) -> Mentor:
    email = str(data.email).lower()
    if (await session.execute(sa.select(Mentor.id).where(Mentor.email == email))).first():
        raise AppError(MENTOR_EMAIL_TAKEN, "A mentor with the e-mail {email} already exists.", email=email)
    mentor = Mentor(
        name=data.name,
        email=email,
        organization=data.organization,
        expertise=list(data.expertise),
        home_region_code=data.home_region_code,
        max_tracks=data.max_tracks,
    )
    session.add(mentor)
    await session.flush()
    await mentor_created(session, mentor)
    return mentor


async def active_track_count(session: AsyncSession, mentor_id: uuid.UUID) -> int:
    return (await session.execute(sa.select(active_tracks_of(sa.literal(mentor_id, sa.Uuid))))).scalar_one()


async def active_track_counts(session: AsyncSession, mentor_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not mentor_ids:
        return {}
    stmt = (
        sa.select(TrackMentor.mentor_id, sa.func.count())
        .join(Track, Track.id == TrackMentor.track_id)
        .where(TrackMentor.mentor_id.in_(mentor_ids), Track.status == TrackStatus.ACTIVE)
        .group_by(TrackMentor.mentor_id)
    )
    return {mentor_id: count for mentor_id, count in (await session.execute(stmt)).all()}


async def get_mentor(session: AsyncSession, mentor_id: uuid.UUID) -> Mentor:
    mentor = await session.get(Mentor, mentor_id)
    if mentor is None:
        raise NotFound("No mentor has the id {mentor_id}.", mentor_id=mentor_id)
    return mentor


def mentor_out(mentor: Mentor, active_tracks: int) -> MentorOut:
    return MentorOut(
        id=mentor.id,
        name=mentor.name,
        email=mentor.email,
        organization=mentor.organization,
        expertise=list(mentor.expertise),
        home_region_code=mentor.home_region_code,
        max_tracks=mentor.max_tracks,
        active_tracks=active_tracks,
        created_at=mentor.created_at,
    )
