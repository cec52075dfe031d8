"""Results of accepted reports: computed when a report is accepted, again when its targets change."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import Dimension, ReportStatus
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..events import ResultComputed, emit
from ..indicators.models import TrackedIndicator
from ..periods.models import Period
from ..portfolio.models import Initiative, Portfolio
from ..reports.models import Report, ReportInitiative, ReportValue
from .achievement import achievement, mean
from .models import RegionResult


async def refresh_result(session: AsyncSession, report: Report, period: Period) -> RegionResult:
    """Compute and store the result of an accepted report."""
    values = (
        await session.execute(
            sa.select(ReportValue, TrackedIndicator, Initiative)
            .join(TrackedIndicator, TrackedIndicator.id == ReportValue.tracked_indicator_id)
            .join(Initiative, Initiative.id == TrackedIndicator.initiative_id)
            .where(ReportValue.report_id == report.id)
            .order_by(Initiative.index, TrackedIndicator.created_at, TrackedIndicator.id)
        )
    ).all()
    indicators: list[dict[str, Any]] = []
    by_dimension: dict[str, list[float | None]] = defaultdict(list)
    for value, tracked, initiative in values:
        target = tracked.targets.get(str(period.year))
        got = achievement(value.value, tracked.baseline_value, target)
        by_dimension[initiative.dimension].append(got)
        indicators.append(
            {
                "tracked_indicator_id": str(tracked.id),
                "initiative_id": str(initiative.id),
                "indicator_code": tracked.indicator_code,
                "name": tracked.name,
                "unit": tracked.unit,
                "direction": tracked.direction,
                "dimension": initiative.dimension,
                "baseline": tracked.baseline_value,
                "target": target,
                "value": value.value,
                "achievement": None if got is None else round(got, 4),
            }
        )
    statuses = (
        await session.execute(
            sa.select(ReportInitiative, Initiative)
            .join(Initiative, Initiative.id == ReportInitiative.initiative_id)
            .where(ReportInitiative.report_id == report.id)
            .order_by(Initiative.index, Initiative.id)
        )
    ).all()
    initiatives: list[dict[str, Any]] = [
        {
            "initiative_id": str(initiative.id),
            "title": initiative.title,
            "dimension": initiative.dimension,
            "status": status.status,
            "progress": status.progress,
        }
        for status, initiative in statuses
    ]
    phases = sorted(
        set(
            (
                await session.execute(
                    sa.select(Portfolio.phase_code).where(Portfolio.region_code == report.region_code)
                )
            ).scalars()
        )
    )
    fields = {
        "report_id": report.id,
        "phase_codes": phases,
        "province_code": report.region_code[:2],
        "achievement": mean(i["achievement"] for i in indicators),
        "progress": mean(i["progress"] for i in initiatives),
        "on_time": not report.late,
        "dimensions": {d: mean(by_dimension[d]) for d in Dimension if d in by_dimension},
        "indicators": indicators,
        "initiatives": initiatives,
        "accepted_at": report.decided_at,
        "computed_at": sa.func.now(),
    }
    await session.execute(
        insert(RegionResult)
        .values(period_code=report.period_code, region_code=report.region_code, **fields)
        .on_conflict_do_update(index_elements=[RegionResult.period_code, RegionResult.region_code], set_=fields)
    )
    result = await session.get(RegionResult, (report.period_code, report.region_code), populate_existing=True)
    assert result is not None
    computed = ResultComputed(
        period_code=result.period_code,
        region_code=result.region_code,
        achievement=result.achievement,
        progress=result.progress,
        on_time=result.on_time,
        dimensions=result.dimensions,
    )
    await emit(session, f"results/{result.period_code}/{result.region_code}", computed)
    return result


async def drop_result(session: AsyncSession, report: Report) -> None:
    await session.execute(
        sa.delete(RegionResult).where(
            RegionResult.period_code == report.period_code, RegionResult.region_code == report.region_code
        )
    )


async def refresh_results_of_region(session: AsyncSession, region_code: str) -> int:
    """Recompute every accepted result of the region (its targets or baselines changed)."""
    rows = (
        await session.execute(
            sa.select(Report, Period)
            .join(Period, Period.code == Report.period_code)
            .where(Report.region_code == region_code, Report.status == ReportStatus.ACCEPTED)
        )
    ).all()
    for report, period in rows:
        await refresh_result(session, report, period)
    return len(rows)
