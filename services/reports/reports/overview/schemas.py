"""The overview as the API returns it. Every list is a table of the CSV and XLSX forms, `summary` too
(one row), in the order of the fields."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class ScopeOut(BaseModel):
    phase_code: str | None
    province_code: str | None
    region_code: str | None


class Summary(BaseModel):
    participants: int = Field(description="Applications in scope, whatever their status.")
    taking_part: int = Field(description="Participants neither rejected nor withdrawn.")
    mous_signed: int = Field(description="Participants whose MoU was signed (whatever came after).")
    tracks_opened: int
    tracks_active: int
    tracks_completed: int
    tracks_withdrawn: int
    completion_rate: float = Field(description="Tracks completed / tracks opened (0 when none opened).")
    population_taking_part: int = Field(description="People living in the regions taking part.")
    population_reached: int = Field(description="People living in the regions whose MoU is signed.")


class StatusRow(BaseModel):
    status: str
    label: str
    participants: int
    population: int = Field(description="People living in the regions of this status.")


class FunnelRow(BaseModel):
    step: str
    label: str
    reached: int = Field(description="Participants that ever reached this step.")


class ProvinceRow(BaseModel):
    province_code: str
    province: str
    participants: int
    applied: int
    assessed: int
    selected: int
    waitlisted: int
    rejected: int
    mou_signed: int
    mentoring: int
    completed: int
    withdrawn: int
    population: int = Field(description="People living in the regions taking part (neither rejected nor withdrawn).")


class TimeZoneRow(BaseModel):
    time_zone: str
    label: str
    participants: int
    applied: int
    assessed: int
    selected: int
    waitlisted: int
    rejected: int
    mou_signed: int
    mentoring: int
    completed: int
    withdrawn: int
    population: int = Field(description="People living in the regions taking part (neither rejected nor withdrawn).")


class StageRow(BaseModel):
    stage: str
    label: str
    tracks: int = Field(description="Active tracks at this stage.")


class PhaseRow(BaseModel):
    phase_code: str
    name: str | None
    year: int | None
    quota: int | None
    participants: int
    first_applied_on: date | None
    mous_signed: int
    last_signed_on: date | None
    tracks_opened: int
    tracks_completed: int
    completion_rate: float


class Overview(BaseModel):
    scope: ScopeOut
    summary: Summary
    statuses: list[StatusRow]
    funnel: list[FunnelRow]
    provinces: list[ProvinceRow]
    time_zones: list[TimeZoneRow]
    stages: list[StageRow]
    phases: list[PhaseRow]
