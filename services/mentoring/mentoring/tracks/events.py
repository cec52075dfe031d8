"""The events a track emits, written to the outbox in the transaction of the change."""

from __future__ import annotations

from typing import Any

from smartcity_kit.outbox import record_event
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from .models import Track


async def emit(session: AsyncSession, type_: str, track: Track, **extra: Any) -> None:
    data = {"track_id": str(track.id), "participant_id": str(track.participant_id), **extra}
    await record_event(session, events, type_, f"tracks/{track.id}", data)
