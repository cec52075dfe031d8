"""API models of tracks."""

import uuid
from datetime import datetime

from pydantic import BaseModel
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import StageCode, TrackStatus


class TrackOut(BaseModel):
    id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    time_zone: str
    stage: StageCode
    status: TrackStatus
    mentor_ids: list[uuid.UUID]
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class MentorAssignment(StrictModel):
    mentor_id: uuid.UUID
