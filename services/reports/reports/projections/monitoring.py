"""What the monitoring feed tells: periods opened and locked, portfolios, reports submitted, decided, overdue,
and each accepted report's result: its achievement overall and per dimension (payloads: the monitoring service's
`events.py`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, Field
from smartcity_kit.outbox import Event
from smartcity_vocabulary import ReportStatus
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..provinces import province_of
from .monitoring_models import MonitoringPeriod, PeriodReport, Portfolio
from .participants import REGION_CODE, known_phase


class PeriodEvent(BaseModel):
    period_code: str = Field(min_length=1)
    year: int
    due_on: date
    locks_on: date


class PortfolioCreated(BaseModel):
    track_id: uuid.UUID
    region_code: str = Field(pattern=REGION_CODE)
    phase_code: str = Field(min_length=1)
    initiative_ids: list[uuid.UUID]


class ReportEvent(BaseModel):
    period_code: str = Field(min_length=1)
    region_code: str = Field(pattern=REGION_CODE)
    to: str | None = None
    late: bool | None = None
    resubmission: bool | None = None


class ResultComputed(BaseModel):
    period_code: str = Field(min_length=1)
    region_code: str = Field(pattern=REGION_CODE)
    achievement: float | None
    dimensions: dict[str, float | None]


def _period(locked: bool) -> Any:
    async def apply(session: AsyncSession, event: Event) -> None:
        data = PeriodEvent.model_validate(event.data)
        values = {"year": data.year, "due_on": data.due_on, "locks_on": data.locks_on}
        stmt = insert(MonitoringPeriod).values(period_code=data.period_code, locked=locked, **values)
        update = {**values, "locked": True} if locked else values
        await session.execute(stmt.on_conflict_do_update(index_elements=[MonitoringPeriod.period_code], set_=update))

    return apply


async def portfolio_created(session: AsyncSession, event: Event) -> None:
    data = PortfolioCreated.model_validate(event.data)
    await known_phase(session, data.phase_code)
    await session.execute(
        insert(Portfolio)
        .values(
            track_id=data.track_id,
            region_code=data.region_code,
            province_code=province_of(data.region_code),
            phase_code=data.phase_code,
            initiatives=len(data.initiative_ids),
        )
        .on_conflict_do_nothing()
    )


def report_change(kind: ReportStatus | Literal["overdue"], data: ReportEvent) -> dict[str, Any]:
    """What a report event sets on the region's report of the period: `overdue` marks it and leaves its status;
    the others set the status, and a first submission (not a resubmission after a return) says whether it was
    late. Lateness once known is kept (`_report` coalesces it), so a resubmission never clears it."""
    if kind == "overdue":
        return {"overdue": True}
    if kind == ReportStatus.SUBMITTED and not data.resubmission:
        return {"status": kind, "late": bool(data.late)}
    return {"status": kind}


def _report(kind: ReportStatus | Literal["overdue"]) -> Any:
    async def apply(session: AsyncSession, event: Event) -> None:
        data = ReportEvent.model_validate(event.data)
        key = {"period_code": data.period_code, "region_code": data.region_code}
        table = PeriodReport.__table__
        values = report_change(kind, data)
        stmt = insert(PeriodReport).values(**key, **values)
        set_ = dict(values)
        if "late" in values:
            set_["late"] = sa.func.coalesce(table.c.late, stmt.excluded.late)
        await session.execute(
            stmt.on_conflict_do_update(index_elements=[PeriodReport.period_code, PeriodReport.region_code], set_=set_)
        )

    return apply


async def result_computed(session: AsyncSession, event: Event) -> None:
    """The latest computation wins: a result is recomputed when the region's targets change."""
    data = ResultComputed.model_validate(event.data)
    values = {"achievement": data.achievement, "dimensions": data.dimensions}
    stmt = insert(PeriodReport).values(period_code=data.period_code, region_code=data.region_code, **values)
    await session.execute(
        stmt.on_conflict_do_update(index_elements=[PeriodReport.period_code, PeriodReport.region_code], set_=values)
    )


HANDLERS = {
    "period.opened": _period(locked=False),
    "period.locked": _period(locked=True),
    "portfolio.created": portfolio_created,
    "report.submitted": _report(ReportStatus.SUBMITTED),
    "report.accepted": _report(ReportStatus.ACCEPTED),
    "report.returned": _report(ReportStatus.RETURNED),
    "report.overdue": _report("overdue"),
    "result.computed": result_computed,
}
