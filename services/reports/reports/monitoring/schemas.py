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
    achievement: float | None = Field(
        description="Mean achievement (0-1) of the period's accepted reports in scope; null when none has one."
    )


class AchievementRow(BaseModel):
    """One dimension in one period: how far the regions' indicators went from baseline to target."""

    period_code: str
    dimension: str
    label: str
    regions: int = Field(description="Accepted reports in scope with a figure for the dimension.")
    achievement: float | None = Field(description="Their mean achievement (0-1); null when none.")


class MissingRow(BaseModel):
    period_code: str
    due_on: date
    region_code: str
    province: str


class MonitoringReport(BaseModel):
    scope: ScopeOut
    summary: MonitoringSummary
    periods: list[PeriodRow]
    achievement: list[AchievementRow] = Field(description="Per period (oldest first) and dimension.")
    not_reporting: list[MissingRow]
