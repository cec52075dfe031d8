"""The reminder job: `report.due_soon` 7 days and 1 day before a period's `due_on`, `report.overdue` the day after,
each once per region and period; and the locking of periods whose `locks_on` has passed.

Any number of replicas run it, each every `REMINDER_INTERVAL` seconds. A run is
one transaction: a reminder is recorded by inserting its key (period, region,
kind) with ON CONFLICT DO NOTHING and writing an event only for the rows that
insert returns, so a second replica (which waits for the first's commit, then
finds the keys there) and a restart record nothing twice. "Today" is the
region's own date; a period locks when its `locks_on` has passed in the
westernmost zone (Jakarta's), that is everywhere.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Literal

import sqlalchemy as sa
import structlog
from smartcity_kit.catalogue import EventData
from smartcity_vocabulary import ReportStatus
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..events import ReportDueSoon, ReportOverdue, emit_many
from ..periods.models import Period
from ..periods.service import local_today, lock_period
from ..portfolio.models import Portfolio
from ..reports.models import Report
from ..vocabulary import PeriodStatus, ReminderKind
from .models import Reminder

log = structlog.get_logger("monitoring.reminders")

NOT_SUBMITTED = (ReportStatus.DRAFT,)
JOB = "service:monitoring"


def reminder_due(today: date, due_on: date) -> ReminderKind | None:
    """Which reminder, if any, a region that has not submitted is owed today."""
    days_left = (due_on - today).days
    if days_left < 0:
        return ReminderKind.OVERDUE
    if days_left <= 1:
        return ReminderKind.DUE_IN_1_DAY
    if days_left <= 7:
        return ReminderKind.DUE_IN_7_DAYS
    return None


async def run_once(session: AsyncSession, now: datetime | None = None) -> int:
    """One pass over the open periods; returns how many reminders it recorded. The caller commits."""
    periods = list((await session.execute(sa.select(Period).where(Period.status == PeriodStatus.OPEN))).scalars())
    recorded = 0
    for period in periods:
        if local_today("31.71", now) > period.locks_on:  # Jakarta: the last zone to leave the day
            await lock_period(session, period.code, JOB)
            continue
        recorded += await remind(session, period, now)
    return recorded


async def remind(session: AsyncSession, period: Period, now: datetime | None) -> int:
    submitted = sa.select(Report.region_code).where(
        Report.period_code == period.code, Report.status.not_in(NOT_SUBMITTED)
    )
    regions = (
        await session.execute(
            sa.select(Portfolio.region_code).distinct().where(Portfolio.region_code.not_in(submitted))
        )
    ).scalars()
    owed = []
    for region_code in regions:
        kind = reminder_due(local_today(region_code, now), period.due_on)
        if kind is not None:
            owed.append({"period_code": period.code, "region_code": region_code, "kind": kind})
    if not owed:
        return 0
    inserted = (
        await session.execute(
            insert(Reminder).values(owed).on_conflict_do_nothing().returning(Reminder.region_code, Reminder.kind)
        )
    ).all()
    rows: list[tuple[str, EventData]] = []
    for region_code, recorded in inserted:
        kind = ReminderKind(recorded)
        subject = f"periods/{period.code}/reports/{region_code}"
        data: EventData
        if kind == ReminderKind.OVERDUE:
            data = ReportOverdue(period_code=period.code, region_code=region_code, due_on=period.due_on)
            rows.append((subject, data))
        else:
            days: Literal[7, 1] = 7 if kind == ReminderKind.DUE_IN_7_DAYS else 1
            data = ReportDueSoon(
                period_code=period.code, region_code=region_code, due_on=period.due_on, days_before=days
            )
            rows.append((subject, data))
    await emit_many(session, rows)
    return len(rows)


async def run_forever(sessionmaker: async_sessionmaker[AsyncSession], interval: float) -> None:
    while True:
        try:
            async with sessionmaker() as session:
                recorded = await run_once(session)
                await session.commit()
            if recorded:
                log.info("reminders recorded", count=recorded)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the database is away: try again at the next interval
            log.warning("reminder job failed", error=repr(exc))
        await asyncio.sleep(interval)
