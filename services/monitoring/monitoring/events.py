"""The events monitoring records, each a typed `data` (its JSON Schema and an example), written in the outbox.

Every event names its `region_code`, but for a period's opening and locking, which concern every region.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field
from smartcity_kit.catalogue import Catalogue, EventData
from smartcity_kit.outbox import record, record_many
from sqlalchemy.ext.asyncio import AsyncSession

from .database import events

TRACK = "5f0c2a52-8a3e-4c1e-9a4e-2f5b8e1d7c10"
REPORT = "3c1d9e0a-7b2f-4e6d-8a5c-1f0e9d8c7b6a"
PERIOD_EXAMPLE: dict[str, Any] = {
    "period_code": "2027-S1",
    "year": 2027,
    "starts_on": "2027-01-01",
    "ends_on": "2027-06-30",
    "due_on": "2027-07-15",
    "locks_on": "2027-08-15",
}


class PortfolioCreated(EventData):
    """An approved master plan became the region's portfolio: one entry per initiative."""

    event_type = "portfolio.created"
    example: ClassVar[dict[str, Any]] = {
        "track_id": TRACK,
        "participant_id": "0b8e6f5e-41f4-4a59-8f3c-5a0f2c9d1e22",
        "region_code": "32.73",
        "phase_code": "2027",
        "plan_version": 3,
        "initiative_ids": ["842e84be-4b19-5c9b-bfdb-2bc71a8c991f"],
    }

    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    plan_version: int
    initiative_ids: list[uuid.UUID]


class BaselineData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float
    year: int


class TargetData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int
    value: float


class IndicatorAttached(EventData):
    """A region attached an indicator (the catalogue's or its own) to an initiative, with baseline and targets."""

    event_type = "indicator.attached"
    example: ClassVar[dict[str, Any]] = {
        "tracked_indicator_id": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
        "initiative_id": "842e84be-4b19-5c9b-bfdb-2bc71a8c991f",
        "region_code": "32.73",
        "indicator_code": "online_services_share",
        "name": "Share of city services that can be requested online",
        "unit": "percent",
        "direction": "increase",
        "baseline": {"value": 20.0, "year": 2026},
        "targets": [{"year": 2027, "value": 40.0}],
    }

    tracked_indicator_id: uuid.UUID
    initiative_id: uuid.UUID
    region_code: str
    indicator_code: str | None = Field(description="None for the region's own indicator.")
    name: str
    unit: str
    direction: str
    baseline: BaselineData
    targets: list[TargetData]


class PeriodOpened(EventData):
    """An operator opened a reporting period."""

    event_type = "period.opened"
    example: ClassVar[dict[str, Any]] = PERIOD_EXAMPLE

    period_code: str
    year: int
    starts_on: date
    ends_on: date
    due_on: date
    locks_on: date


class PeriodLocked(PeriodOpened):
    """A reporting period takes no more submissions: an operator locked it, or its `locks_on` passed."""

    event_type = "period.locked"
    example: ClassVar[dict[str, Any]] = {**PERIOD_EXAMPLE, "by": "service:monitoring"}

    by: str = Field(description="`role:subject` of who locked it; `service:monitoring` when `locks_on` passed.")


class ReportChanged(EventData):
    """What every transition of a report names."""

    report_id: uuid.UUID
    period_code: str
    region_code: str
    from_: str = Field(alias="from")
    to: str
    actor: str


class ReportSubmitted(ReportChanged):
    """A region submitted its report for a period (again, after it was returned: `resubmission`)."""

    event_type = "report.submitted"
    example: ClassVar[dict[str, Any]] = {
        "report_id": REPORT,
        "period_code": "2027-S1",
        "region_code": "32.73",
        "from": "draft",
        "to": "submitted",
        "actor": "region:tim@bandung.go.id",
        "late": False,
        "resubmission": False,
    }

    late: bool = Field(description="The first submission came after due_on in the region's zone.")
    resubmission: bool


class ReportDecided(ReportChanged):
    """A mentor of the region's track or an operator decided on a submitted report."""

    comment: str | None


class ReportAccepted(ReportDecided):
    """A submitted report was accepted: its figures count in the results."""

    event_type = "report.accepted"
    example: ClassVar[dict[str, Any]] = {
        "report_id": REPORT,
        "period_code": "2027-S1",
        "region_code": "32.73",
        "from": "submitted",
        "to": "accepted",
        "actor": "mentor:7d1f3b2a-6c4e-4f8a-b2d1-9e0a1c3b5d77",
        "comment": "Baik",
    }


class ReportReturned(ReportDecided):
    """A submitted report was returned to the region with what to correct."""

    event_type = "report.returned"
    example: ClassVar[dict[str, Any]] = {**ReportAccepted.example, "to": "returned", "comment": "Lampirkan bukti"}


class ReportDueSoon(EventData):
    """A region has not submitted its report and the period's due date is 7 days or 1 day away."""

    event_type = "report.due_soon"
    example: ClassVar[dict[str, Any]] = {
        "period_code": "2027-S1",
        "region_code": "32.73",
        "due_on": "2027-07-15",
        "days_before": 7,
    }

    period_code: str
    region_code: str
    due_on: date
    days_before: Literal[7, 1]


class ReportOverdue(EventData):
    """A region had not submitted its report by the period's due date."""

    event_type = "report.overdue"
    example: ClassVar[dict[str, Any]] = {"period_code": "2027-S1", "region_code": "32.73", "due_on": "2027-07-15"}

    period_code: str
    region_code: str
    due_on: date


class OfficialIndexPublished(EventData):
    """The ministry that owns an official index published a region's value for a year."""

    event_type = "official_index.published"
    example: ClassVar[dict[str, Any]] = {
        "index": "green_city_index",
        "year": 2026,
        "region_code": "32.73",
        "value": 71.5,
        "organization": "pupr",
        "published_at": "2026-11-30T09:00:00.123456Z",
        "published_by": "partner:pupr-sync",
    }

    index: str
    year: int
    region_code: str
    value: float
    organization: str
    published_at: datetime
    published_by: str


class ResultComputed(EventData):
    """A region's result for a period, computed when its report was accepted (an accepted report is final) and again
    when its targets or baselines changed: the figures the programme reports on (only accepted figures count)."""

    event_type = "result.computed"
    example: ClassVar[dict[str, Any]] = {
        "period_code": "2027-S1",
        "region_code": "32.73",
        "achievement": 0.62,
        "progress": 45.0,
        "on_time": True,
        "dimensions": {"governance": 0.8, "living": 0.44},
    }

    period_code: str
    region_code: str
    achievement: float | None = Field(description="Mean achievement (0-1) of the indicators that had a target.")
    progress: float | None = Field(description="Mean reported progress (percent) of the initiatives.")
    on_time: bool = Field(description="The report's first submission came by the period's due date.")
    dimensions: dict[str, float | None] = Field(
        description="Mean achievement (0-1) per dimension that has indicators; null where none had a target."
    )


CATALOGUE = Catalogue(
    [
        PortfolioCreated,
        IndicatorAttached,
        PeriodOpened,
        PeriodLocked,
        ReportSubmitted,
        ReportAccepted,
        ReportReturned,
        ReportDueSoon,
        ReportOverdue,
        OfficialIndexPublished,
        ResultComputed,
    ]
)


async def emit(session: AsyncSession, subject: str, data: EventData) -> None:
    """Write one event in the caller's transaction; it leaves only if that commits."""
    await record(session, events, subject, data)


async def emit_many(session: AsyncSession, items: Sequence[tuple[str, EventData]]) -> None:
    """Write (subject, data) events in one statement, in the caller's transaction."""
    await record_many(session, events, items)
