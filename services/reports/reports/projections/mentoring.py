"""What the mentoring feed tells: tracks opening, moving through the stages, completing or withdrawn."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from pydantic import BaseModel, Field
from smartcity_kit.outbox import Event
from smartcity_vocabulary import TrackStatus
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..provinces import province_of
from ..vocabulary import FIRST_STAGE
from .models import Track
from .participants import REGION_CODE, known_phase


class TrackOpened(BaseModel):
    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str = Field(pattern=REGION_CODE)
    phase_code: str = Field(min_length=1)
    # the mentoring service opens a track at the curriculum's first stage
    stage: str = FIRST_STAGE


class TrackMoved(BaseModel):
    track_id: uuid.UUID
    to: str | None = None


async def track_opened(session: AsyncSession, event: Event) -> None:
    data = TrackOpened.model_validate(event.data)
    await known_phase(session, data.phase_code)
    await session.execute(
        insert(Track)
        .values(
            track_id=data.track_id,
            participant_id=data.participant_id,
            region_code=data.region_code,
            province_code=province_of(data.region_code),
            phase_code=data.phase_code,
            stage=data.stage,
            status=TrackStatus.ACTIVE,
            opened_at=event.occurred_at,
        )
        .on_conflict_do_nothing()
    )


async def stage_advanced(session: AsyncSession, event: Event) -> None:
    data = TrackMoved.model_validate(event.data)
    if not data.to:
        raise ValueError("track.stage_advanced without `to`")
    await session.execute(sa.update(Track).where(Track.track_id == data.track_id).values(stage=data.to))


def closed(status: str) -> Callable[[AsyncSession, Event], Awaitable[None]]:
    async def close(session: AsyncSession, event: Event) -> None:
        data = TrackMoved.model_validate(event.data)
        await session.execute(
            sa.update(Track).where(Track.track_id == data.track_id).values(status=status, closed_at=event.occurred_at)
        )

    return close


HANDLERS = {
    "track.opened": track_opened,
    "track.stage_advanced": stage_advanced,
    "track.completed": closed(TrackStatus.COMPLETED),
    "track.withdrawn": closed(TrackStatus.WITHDRAWN),
}
