"""API models of workshops (the contract calls them sessions) and attendance."""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from smartcity_kit.schemas import Rfc3339Time, StrictModel

from ..vocabulary import WorkshopMode


class SessionIn(StrictModel):
    stage: str = Field(max_length=32, examples=["bimtek_1"])
    title: str = Field(min_length=1, max_length=300)
    starts_at: Rfc3339Time = Field(description="RFC 3339 with an offset; shown back with the same offset.")
    ends_at: Rfc3339Time
    mode: WorkshopMode
    venue: str | None = Field(None, max_length=500, description="Needed when offline.")
    url: str | None = Field(None, max_length=2000, pattern=r"^https?://\S+$", description="Needed when online.")
    track_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    mentor_ids: list[uuid.UUID] = Field(default_factory=list, max_length=100)


Attendee = Annotated[str, Field(min_length=1, max_length=200)]


class AttendanceIn(StrictModel):
    track_id: uuid.UUID
    present: bool
    attendees: list[Attendee] = Field(default_factory=list, max_length=200, description="Names of who came.")


class AttendanceOut(BaseModel):
    track_id: uuid.UUID
    region_code: str
    present: bool | None
    attendees: list[str]
    recorded_at: datetime | None


class SessionOut(BaseModel):
    id: uuid.UUID
    stage: str
    title: str
    starts_at: datetime
    ends_at: datetime
    mode: WorkshopMode
    venue: str | None
    url: str | None
    track_ids: list[uuid.UUID]
    mentor_ids: list[uuid.UUID]
    attendance: list[AttendanceOut]
    created_at: datetime
    time_zone: str | None = Field(None, description="For a region caller: its region's zone, used for local_*.")
    local_starts_at: datetime | None = None
    local_ends_at: datetime | None = None
