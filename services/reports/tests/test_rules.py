"""The reports' pure projection rules, called directly (the feed tests cover the same end to end)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from reports.overview.service import counts_row, day_of, rate
from reports.projections.monitoring import ReportEvent, report_change
from reports.provinces import province_of


def event(**data: object) -> ReportEvent:
    return ReportEvent.model_validate({"period_code": "2026-Y", "region_code": "32.73", **data})


@pytest.mark.parametrize(
    ("kind", "data", "change"),
    [
        ("submitted", {"late": False}, {"status": "submitted", "late": False}),
        ("submitted", {"late": True}, {"status": "submitted", "late": True}),
        ("submitted", {}, {"status": "submitted", "late": False}),
        # a resubmission after a return keeps the first submission's lateness: it says nothing of it
        ("submitted", {"late": False, "resubmission": True}, {"status": "submitted"}),
        ("accepted", {"to": "accepted"}, {"status": "accepted"}),
        ("returned", {"to": "returned"}, {"status": "returned"}),
        # overdue marks the report and leaves its status as it was
        ("overdue", {}, {"overdue": True}),
    ],
)
def test_what_a_report_event_sets(kind: str, data: dict, change: dict) -> None:
    assert report_change(kind, event(**data)) == change


@pytest.mark.parametrize(("code", "province"), [("32.73", "32"), ("94.03", "94"), ("11.71", "11")])
def test_a_region_belongs_to_the_province_of_its_code(code: str, province: str) -> None:
    assert province_of(code) == province


@pytest.mark.parametrize(("part", "whole", "expected"), [(1, 3, 0.3333), (2, 3, 0.6667), (5, 5, 1.0), (3, 0, 0.0)])
def test_a_rate_has_four_decimals_and_nothing_of_nothing_is_zero(part: int, whole: int, expected: float) -> None:
    assert rate(part, whole) == expected


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2027, 1, 10, 16, 59, tzinfo=UTC), date(2027, 1, 10)),  # 23:59 WIB
        (datetime(2027, 1, 10, 17, 0, tzinfo=UTC), date(2027, 1, 11)),  # midnight WIB
        (datetime(2027, 1, 11, 0, 30, tzinfo=timezone(timedelta(hours=9))), date(2027, 1, 10)),  # 22:30 WIB
        (None, None),
    ],
)
def test_a_programme_day_is_a_day_in_jakarta(moment: datetime | None, day: date | None) -> None:
    assert day_of(moment) == day


def test_a_counts_row_names_every_status_and_counts_the_population_of_those_still_taking_part() -> None:
    counts = {("32", "applied"): (2, 500), ("32", "mentoring"): (1, 300), ("32", "withdrawn"): (1, 900)}
    assert counts_row(counts, "32") == {
        "applied": 2,
        "assessed": 0,
        "selected": 0,
        "waitlisted": 0,
        "rejected": 0,
        "mou_signed": 0,
        "mentoring": 1,
        "completed": 0,
        "withdrawn": 1,
        "participants": 4,
        "population": 800,
    }
