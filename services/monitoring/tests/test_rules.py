"""Monitoring's pure rules of a baseline and its targets, called directly (test_indicators.py: through the API;
the achievement arithmetic: test_verification_and_results.py)."""

from __future__ import annotations

import pytest
from monitoring.indicators.schemas import Targets
from monitoring.indicators.validation import target_problems, value_problems


def targets(baseline: tuple[float, int], *years_values: tuple[int, float]) -> Targets:
    return Targets.model_validate(
        {
            "baseline": {"value": baseline[0], "year": baseline[1]},
            "targets": [{"year": y, "value": v} for y, v in years_values],
        }
    )


def problems(data: Targets, unit: str = "percent", direction: str = "increase") -> list[tuple[str, str, str]]:
    found = target_problems(data, unit=unit, direction=direction, start_year=2026, end_year=2030)
    return [(p.field, p.code, p.render("en")["message"]) for p in found]


UP = "An indicator that should increase needs a target above its baseline."
DOWN = "An indicator that should decrease needs a target below its baseline."


@pytest.mark.parametrize(
    ("data", "unit", "direction", "expected"),
    [
        (targets((20, 2025), (2026, 40), (2030, 90)), "percent", "increase", []),
        (targets((10, 2026), (2027, 5)), "days", "decrease", []),
        # the baseline may be the initiative's first year, not later
        (
            targets((20, 2027), (2028, 40)),
            "percent",
            "increase",
            [
                (
                    "baseline.year",
                    "baseline_after_start",
                    "The baseline comes before the initiative starts (2026) or in that year.",
                )
            ],
        ),
        # target years inside the span, once each
        (
            targets((20, 2025), (2025, 30), (2031, 50), (2027, 40), (2027, 45)),
            "percent",
            "increase",
            [
                ("targets[0].year", "outside_span", "Outside the initiative's span 2026-2030."),
                ("targets[1].year", "outside_span", "Outside the initiative's span 2026-2030."),
                ("targets[3].year", "duplicate", "A second target for 2027."),
            ],
        ),
        # a target on the wrong side of the baseline, or on it: achievement would be undefined or backwards
        (
            targets((20, 2025), (2026, 20), (2027, 10)),
            "percent",
            "increase",
            [("targets[0].value", "not_above_baseline", UP), ("targets[1].value", "not_above_baseline", UP)],
        ),
        (targets((10, 2025), (2026, 12)), "days", "decrease", [("targets[0].value", "not_below_baseline", DOWN)]),
        # a percentage within 0-100, any value not negative; every problem at once
        (
            targets((-1, 2025), (2026, 101)),
            "percent",
            "increase",
            [
                ("baseline.value", "negative", "A value cannot be negative."),
                ("targets[0].value", "not_a_percentage", "A percentage lies within 0-100."),
            ],
        ),
        (targets((100, 2025), (2026, 250)), "count", "increase", []),
    ],
)
def test_a_baseline_and_its_targets(
    data: Targets, unit: str, direction: str, expected: list[tuple[str, str, str]]
) -> None:
    assert problems(data, unit, direction) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.0, "percent", []),
        (100.0, "percent", []),
        (100.5, "percent", [("not_a_percentage", "A percentage lies within 0-100.")]),
        (1e9, "rupiah", []),
        (-0.01, "rupiah", [("negative", "A value cannot be negative.")]),
    ],
)
def test_a_value_is_not_negative_and_a_percentage_at_most_100(
    value: float, unit: str, expected: list[tuple[str, str]]
) -> None:
    assert [(p.code, p.message) for p in value_problems("value", value, unit)] == expected
