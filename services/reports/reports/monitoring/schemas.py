"""The monitoring report as the API returns it; each list is a table of the CSV and XLSX forms."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ..overview.schemas import ScopeOut


class MonitoringSummary(BaseModel):
    regions_monitored: int = Field(description="Regions with an approved plan that monitoring follows.")
    periods: int
    reports_expected: int = Field(description="Regions x periods whose due day has passed.")
    submitted: int
    on_time: int
    late: int
    accepted: int
    returned: int
    not_reporting: int = Field(description="Expected reports never submitted.")
    timeliness_rate: float = Field(description="On time / expected (0 when none is due yet).")


class PeriodRow(BaseModel):
    period_code: str
    due_on: date
    locked: bool
    regions: int
    submitted: int
    on_time: int
    late: int
    accepted: int
    returned: int
    not_reporting: int


class MissingRow(BaseModel):
    period_code: str
    due_on: date
    region_code: str
    province: str


class MonitoringReport(BaseModel):
    scope: ScopeOut
    summary: MonitoringSummary
    periods: list[PeriodRow]
    not_reporting: list[MissingRow]
