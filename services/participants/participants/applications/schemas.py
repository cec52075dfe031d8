"""API models of participants (applications), their contacts and history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, EmailStr, Field, field_validator
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import ParticipantStatus

from .contacts import normalise_phone

RegionCode = Annotated[str, Field(pattern=r"^\d{2}(\.\d{2})?$", examples=["32.73"])]
PhaseCode = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$", examples=["2018"])]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class Contact(StrictModel):
    role: Text = Field(description="The person's part in the team, e.g. 'Kepala Dinas Kominfo'.")
    name: Text
    email: EmailStr
    phone: Annotated[str, Field(min_length=5, max_length=32, description="Returned as E.164, `+62...`.")]

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        return normalise_phone(value)


Contacts = Annotated[list[Contact], Field(min_length=1, max_length=20)]


class ApplicationIn(StrictModel):
    region_code: RegionCode
    phase_code: PhaseCode
    contacts: Contacts


class ContactsPatch(StrictModel):
    contacts: Contacts


class ReasonIn(StrictModel):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class Assessment(BaseModel):
    # an official indicator filled from a published index may carry decimals
    fiscal_capacity: int | float
    green_city_index: int | float
    government_performance_index: int | float
    sustainable_city_index: int | float | None
    infrastructure: int
    superstructure: int
    leadership_vision: int


class ScoreSource(BaseModel):
    kind: Literal["assessor", "official_index"]
    organization: str | None = Field(None, description="The ministry that published the index.")
    year: int | None = Field(None, description="The year of the published value.")
    published_at: datetime | None = None


class ParticipantOut(BaseModel):
    id: uuid.UUID
    region_code: str
    region_name: str
    kind: Literal["kabupaten", "kota"]
    province_code: str
    time_zone: str
    phase_code: str
    status: ParticipantStatus
    contacts: list[Contact]
    assessment: Assessment | None
    sources: dict[str, ScoreSource] | None = Field(
        description="Where each official indicator's score came from: the assessor or a published index."
    )
    readiness_score: float | None
    applied_at: datetime
    updated_at: datetime


class HistoryEntry(BaseModel):
    from_: ParticipantStatus | None = Field(serialization_alias="from", validation_alias="from")
    to: ParticipantStatus
    at: datetime
    actor: str
    reason: str | None

    model_config = {"populate_by_name": True}
