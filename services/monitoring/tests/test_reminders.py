"""Reminders as events: due soon (7 days, 1 day), overdue, each once per region and period, whatever the replicas."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from monitoring.periods.schemas import PeriodIn
from monitoring.periods.service import open_period
from monitoring.portfolio.service import ApprovedPlan, create_portfolio
from monitoring.reminders.job import reminder_due, run_once
from smartcity_kit.identity import Caller

from .conftest import approved_plan

OPERATOR = Caller("ops@test", "operator")


@pytest.mark.parametrize(
    ("days_before_due", "kind"),
    [
        (30, None),
        (8, None),
        (7, "due_in_7_days"),
        (2, "due_in_7_days"),
        (1, "due_in_1_day"),
        (0, "due_in_1_day"),
        (-1, "overdue"),
        (-40, "overdue"),
    ],
)
def test_which_reminder_a_day_owes(days_before_due, kind):
    due = date(2027, 7, 15)
    assert reminder_due(due - timedelta(days=days_before_due), due) == kind


async def setup_regions(sessionmaker, due_in: int, locks_in: int = 30) -> None:
    """Three regions with portfolios: 32.73 submitted its report, 32.04 has a draft, 35.78 nothing."""
    today = date.today()
    async with sessionmaker() as s:
        for code in ("32.73", "32.04", "35.78"):
            await create_portfolio(s, ApprovedPlan.model_validate(approved_plan(code)))
        body = PeriodIn(
            code="2026-Y",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            due_on=today + timedelta(days=due_in),
            locks_on=today + timedelta(days=locks_in),
        )
        await open_period(s, body, OPERATOR)
        await s.execute(
            sa.text(
                "INSERT INTO monitoring.reports (id, period_code, region_code, status, updated_by) VALUES"
                " (gen_random_uuid(), '2026-Y', '32.73', 'submitted', 'x'), (gen_random_uuid(), '2026-Y', '32.04',"
                " 'draft', 'x')"
            )
        )
        await s.commit()


async def reminders(sessionmaker) -> list[tuple[str, str, dict]]:
    async with sessionmaker() as s:
        rows = await s.execute(
            sa.text("SELECT type, subject, data FROM monitoring.events WHERE type LIKE 'report.%' ORDER BY id")
        )
        return [(r.type, r.subject, r.data) for r in rows]


async def test_two_replicas_and_a_restart_record_each_reminder_once(committed):
    await setup_regions(committed, due_in=7)

    async def replica() -> int:
        async with committed() as s:
            n = await run_once(s)
            await s.commit()
            return n

    assert sorted(await asyncio.gather(replica(), replica())) == [0, 2]
    assert await replica() == 0  # the next run, or a restarted process
    due_on = (date.today() + timedelta(days=7)).isoformat()
    assert await reminders(committed) == [
        (
            "report.due_soon",
            f"periods/2026-Y/reports/{code}",
            {"period_code": "2026-Y", "region_code": code, "due_on": due_on, "days_before": 7},
        )
        for code in ("32.04", "35.78")
    ]


async def test_the_day_before_and_the_day_after(session_factory, session):
    await setup_regions(session_factory, due_in=1)
    assert await run_once(session) == 2
    assert [d["days_before"] for _, _, d in await reminders(session_factory)] == [1, 1]
    await session.execute(sa.text("UPDATE monitoring.periods SET due_on = current_date - 1"))
    assert await run_once(session) == 2
    assert [t for t, _, _ in await reminders(session_factory)] == ["report.due_soon"] * 2 + ["report.overdue"] * 2
    assert await run_once(session) == 0


async def test_a_period_past_locks_on_is_locked_once_and_reminds_nobody(session_factory, session):
    await setup_regions(session_factory, due_in=-5, locks_in=-1)
    assert await run_once(session) == 0
    assert await run_once(session) == 0
    rows = (await session.execute(sa.text("SELECT type, data FROM monitoring.events WHERE type LIKE 'period.%'"))).all()
    assert [(r.type, r.data.get("by")) for r in rows] == [
        ("period.opened", None),
        ("period.locked", "service:monitoring"),
    ]
    status = (await session.execute(sa.text("SELECT status FROM monitoring.periods"))).scalar()
    assert status == "locked"
