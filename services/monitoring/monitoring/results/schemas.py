"""API models of results: one region's period in detail, and the rows of the list across regions."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class IndicatorResult(BaseModel):
    tracked_indicator_id: uuid.UUID
    initiative_id: uuid.UUID
    indicator_code: str | None
    name: str
    unit: str
    direction: str
    dimension: str
    baseline: float
    target: float | None = Field(description="The target of the period's year; none: no achievement.")
    value: float
    achievement: float | None = Field(description="(value - baseline) / (target - baseline), clipped to 0-1.")


class InitiativeResult(BaseModel):
    initiative_id: uuid.UUID
    title: str
    dimension: str
    status: str
    progress: float


class ResultRow(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    period_code: str
    region_code: str
    province_code: str
    phase_codes: list[str]
    achievement: float | None = Field(description="The mean of the indicators' achievements, 0-1.")
    progress: float | None = Field(description="The mean reported progress of the initiatives, 0-100.")
    on_time: bool = Field(description="Submitted first by due_on, in the region's zone.")
    dimensions: dict[str, float | None] = Field(description="The mean achievement per dimension.")
    accepted_at: datetime


class RegionResultOut(ResultRow):
    report_id: uuid.UUID
    indicators: list[IndicatorResult]
    initiatives: list[InitiativeResult]
