"""The events of a track: opened, moved through the stages, completed or withdrawn; mentors assigned and removed.

Every one names the track's participant, region and phase, so a region's
feed and webhooks carry them and a consumer needs no other event to place one.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from ..mentors.models import Mentor
from .models import Track

TRACK = "5f0c2a52-8a3e-4c1e-9a4e-2f5b8e1d7c10"
MENTOR = "7d1f3b2a-6c4e-4f8a-b2d1-9e0a1c3b5d77"
ON_TRACK: dict[str, Any] = {
    "track_id": TRACK,
    "participant_id": "0b8e6f5e-41f4-4a59-8f3c-5a0f2c9d1e22",
    "region_code": "32.73",
    "phase_code": "2027",
}


class OnTrack(EventData):
    """What every event of a track names."""

    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str


class TrackOpened(OnTrack):
    """A participant that signed its MoU got its mentoring track, at the curriculum's first stage."""

    event_type = "track.opened"
    example: ClassVar[dict[str, Any]] = {**ON_TRACK, "stage": "bimtek_1"}

    stage: str


class TrackStageAdvanced(OnTrack):
    """A track left a stage, every deliverable it needs approved, for the next one."""

    event_type = "track.stage_advanced"
    example: ClassVar[dict[str, Any]] = {**ON_TRACK, "from": "bimtek_1", "to": "bimtek_2"}

    from_: str = Field(alias="from")
    to: str


class TrackCompleted(OnTrack):
    """A track left the last stage with its master plan approved: the participant completed the programme."""

    event_type = "track.completed"
    example: ClassVar[dict[str, Any]] = ON_TRACK


class TrackWithdrawn(OnTrack):
    """The participant withdrew: its active track closed."""

    event_type = "track.withdrawn"
    example: ClassVar[dict[str, Any]] = ON_TRACK


class TrackMentorAssigned(OnTrack):
    """A mentor was assigned to a track; `mentor_email` is what the mentor signs in with (monitoring checks
    who may verify a region's reports by it)."""

    event_type = "track.mentor_assigned"
    example: ClassVar[dict[str, Any]] = {
        **ON_TRACK,
        "mentor_id": MENTOR,
        "mentor_email": "sari@itb.ac.id",
        "assigned_by": "operator:ops@kominfo.go.id",
    }

    mentor_id: uuid.UUID
    mentor_email: str
    assigned_by: str = Field(description="`role:subject` of who assigned the mentor.")


class TrackMentorRemoved(OnTrack):
    """A mentor was taken off a track."""

    event_type = "track.mentor_removed"
    example: ClassVar[dict[str, Any]] = {**ON_TRACK, "mentor_id": MENTOR, "removed_by": "operator:ops@kominfo.go.id"}

    mentor_id: uuid.UUID
    removed_by: str = Field(description="`role:subject` of who removed the mentor.")


def on_track(track: Track) -> dict[str, Any]:
    return {
        "track_id": track.id,
        "participant_id": track.participant_id,
        "region_code": track.region_code,
        "phase_code": track.phase_code,
    }


async def emit(session: AsyncSession, track: Track, data: OnTrack) -> None:
    await record(session, events, f"tracks/{track.id}", data)


async def opened(session: AsyncSession, track: Track) -> None:
    await emit(session, track, TrackOpened(**on_track(track), stage=track.stage))


async def withdrawn(session: AsyncSession, track: Track) -> None:
    await emit(session, track, TrackWithdrawn(**on_track(track)))


async def stage_advanced(session: AsyncSession, track: Track, previous: str) -> None:
    await emit(session, track, TrackStageAdvanced(**on_track(track), from_=previous, to=track.stage))


async def completed(session: AsyncSession, track: Track) -> None:
    await emit(session, track, TrackCompleted(**on_track(track)))


async def mentor_assigned(session: AsyncSession, track: Track, mentor: Mentor, by: str) -> None:
    data = TrackMentorAssigned(**on_track(track), mentor_id=mentor.id, mentor_email=mentor.email, assigned_by=by)
    await emit(session, track, data)


async def mentor_removed(session: AsyncSession, track: Track, mentor_id: uuid.UUID, by: str) -> None:
    await emit(session, track, TrackMentorRemoved(**on_track(track), mentor_id=mentor_id, removed_by=by))
