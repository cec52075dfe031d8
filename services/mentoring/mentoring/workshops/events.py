"""The events of workshops: one per track a workshop is for (so each names its region), when it is scheduled
and when its attendance is recorded."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record_many
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from ..tracks.events import ON_TRACK
from ..tracks.models import Track
from ..vocabulary import WorkshopMode
from .models import Workshop, WorkshopTrack

SESSION = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"


class SessionScheduled(EventData):
    """A workshop (Bimtek session) was scheduled for a track: one event per track it is for."""

    event_type = "session.scheduled"
    example: ClassVar[dict[str, Any]] = {
        "session_id": SESSION,
        **ON_TRACK,
        "stage": "bimtek_1",
        "title": "Bimtek 1: Smart City readiness",
        "starts_at": "2027-05-10T09:00:00+07:00",
        "ends_at": "2027-05-12T16:00:00+07:00",
        "mode": "offline",
        "venue": "Hotel Savoy Homann, Bandung",
        "url": None,
        "mentor_ids": ["7d1f3b2a-6c4e-4f8a-b2d1-9e0a1c3b5d77"],
    }

    session_id: uuid.UUID
    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    stage: str
    title: str
    starts_at: datetime = Field(description="With the offset it was scheduled in.")
    ends_at: datetime
    mode: WorkshopMode
    venue: str | None
    url: str | None
    mentor_ids: list[uuid.UUID]


class SessionAttendanceRecorded(EventData):
    """A track's attendance at a workshop was recorded (again: the latest record stands)."""

    event_type = "session.attendance_recorded"
    example: ClassVar[dict[str, Any]] = {
        "session_id": SESSION,
        **ON_TRACK,
        "present": True,
        "attendee_count": 3,
        "recorded_by": "mentor:sari@itb.ac.id",
    }

    session_id: uuid.UUID
    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    present: bool
    attendee_count: int = Field(description="How many people came (their names are in the session, not here).")
    recorded_by: str = Field(description="`role:subject` of who recorded it.")


def _place(track: Track) -> dict[str, Any]:
    return {
        "track_id": track.id,
        "participant_id": track.participant_id,
        "region_code": track.region_code,
        "phase_code": track.phase_code,
    }


async def scheduled(
    session: AsyncSession,
    workshop: Workshop,
    tracks: Sequence[Track],
    mentor_ids: Sequence[uuid.UUID],
    starts_at: datetime,
    ends_at: datetime,
) -> None:
    facts: dict[str, Any] = {
        "session_id": workshop.id,
        "stage": workshop.stage,
        "title": workshop.title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "mode": workshop.mode,
        "venue": workshop.venue,
        "url": workshop.url,
        "mentor_ids": list(mentor_ids),
    }
    subject = f"sessions/{workshop.id}"
    await record_many(session, events, [(subject, SessionScheduled(**facts, **_place(t))) for t in tracks])


async def attendance_recorded(
    session: AsyncSession, workshop: Workshop, rows: Sequence[tuple[WorkshopTrack, Track]], by: str
) -> None:
    subject = f"sessions/{workshop.id}"
    await record_many(
        session,
        events,
        [
            (
                subject,
                SessionAttendanceRecorded(
                    session_id=workshop.id,
                    **_place(track),
                    present=bool(member.present),
                    attendee_count=len(member.attendees or []),
                    recorded_by=by,
                ),
            )
            for member, track in rows
        ],
    )
