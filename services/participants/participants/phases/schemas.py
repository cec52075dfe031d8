"""API models of phases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, model_validator
from smartcity_kit.fielderrors import field_refusal
from smartcity_kit.schemas import IsoDate, StrictModel

from ..applications.schemas import PhaseCode


class PhaseIn(StrictModel):
    code: PhaseCode
    name: Annotated[str, Field(min_length=1, max_length=200)]
    year: Annotated[int, Field(ge=2017, le=2100)]
    quota: Annotated[int, Field(ge=1, le=514, description="How many regions the phase selects.")]
    registration_opens_on: IsoDate
    registration_closes_on: IsoDate

    @model_validator(mode="after")
    def _window(self) -> PhaseIn:
        if self.registration_closes_on < self.registration_opens_on:
            raise field_refusal("window_reversed", "registration_closes_on is before registration_opens_on.")
        return self


class PhaseOut(BaseModel):
    code: str
    name: str
    year: int
    quota: int
    registration_opens_on: date
    registration_closes_on: date
    created_at: datetime


class PhaseDetail(PhaseOut):
    counts: dict[str, int] = Field(description="Participants per status; every status is listed.")
