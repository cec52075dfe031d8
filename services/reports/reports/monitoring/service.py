"""The monitoring report's figures: each period against the regions monitoring follows in scope, and what the
accepted reports achieved, overall and per dimension (the means of the regions' results, as monitoring computed
them)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import ReportStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..overview.schemas import ScopeOut
from ..overview.service import PROGRAMME_ZONE, rate
from ..projections.monitoring_models import MonitoringPeriod, PeriodReport, Portfolio
from ..provinces import BY_CODE, province_of
from ..scope import Scope
from ..vocabulary import DIMENSIONS, Lang, label
from .schemas import AchievementRow, MissingRow, MonitoringReport, MonitoringSummary, PeriodRow


def mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


async def monitoring_report(session: AsyncSession, scope: Scope, lang: Lang = "id") -> MonitoringReport:
    today = datetime.now(PROGRAMME_ZONE).date()
    regions = sorted(
        set((await session.execute(sa.select(Portfolio.region_code).where(*scope.where(Portfolio)))).scalars())
    )
    periods = (await session.execute(sa.select(MonitoringPeriod).order_by(MonitoringPeriod.due_on))).scalars().all()
    reports = {
        (r.period_code, r.region_code): r
        for r in (await session.execute(sa.select(PeriodReport).where(PeriodReport.region_code.in_(regions)))).scalars()
    }
    rows, missing, achieved = [], [], []
    for period in periods:
        mine = [reports.get((period.period_code, region)) for region in regions]
        submitted = [r for r in mine if r is not None and r.status is not None]
        absent = [
            region
            for region in regions
            if (period.period_code, region) not in reports or reports[(period.period_code, region)].status is None
        ]
        due = period.due_on < today
        rows.append(
            PeriodRow(
                period_code=period.period_code,
                due_on=period.due_on,
                locked=period.locked,
                regions=len(regions),
                submitted=len(submitted),
                on_time=sum(1 for r in submitted if r.late is False),
                late=sum(1 for r in submitted if r.late),
                accepted=sum(1 for r in submitted if r.status == ReportStatus.ACCEPTED),
                returned=sum(1 for r in submitted if r.status == ReportStatus.RETURNED),
                not_reporting=len(absent) if due else 0,
                achievement=mean(
                    [
                        r.achievement
                        for r in submitted
                        if r.status == ReportStatus.ACCEPTED and r.achievement is not None
                    ]
                ),
            )
        )
        results = [r.dimensions for r in submitted if r.status == ReportStatus.ACCEPTED and r.dimensions is not None]
        for dimension in DIMENSIONS:
            figures = [d[dimension] for d in results if d.get(dimension) is not None]
            achieved.append(
                AchievementRow(
                    period_code=period.period_code,
                    dimension=dimension,
                    label=label(dimension, lang),
                    regions=len(figures),
                    achievement=mean(figures),
                )
            )
        if due:
            missing += [
                MissingRow(
                    period_code=period.period_code,
                    due_on=period.due_on,
                    region_code=region,
                    province=BY_CODE[province_of(region)].name if province_of(region) in BY_CODE else "",
                )
                for region in absent
            ]
    expected = sum(row.regions for row in rows if row.due_on < today)
    on_time = sum(row.on_time for row in rows if row.due_on < today)
    summary = MonitoringSummary(
        regions_monitored=len(regions),
        periods=len(rows),
        reports_expected=expected,
        submitted=sum(row.submitted for row in rows),
        on_time=sum(row.on_time for row in rows),
        late=sum(row.late for row in rows),
        accepted=sum(row.accepted for row in rows),
        returned=sum(row.returned for row in rows),
        not_reporting=len(missing),
        timeliness_rate=rate(on_time, expected),
    )
    return MonitoringReport(
        scope=ScopeOut(**scope.as_dict()), summary=summary, periods=rows, achievement=achieved, not_reporting=missing
    )
