"""The rules of a baseline and its targets, all reported at once (one 422 lists every problem).

- every target year lies inside the initiative's span, once;
- the baseline year is no later than the initiative's start;
- numbers are finite (the schema refuses NaN and infinities) and not negative;
  a percentage lies within 0-100;
- each target moves from the baseline the way the indicator should go
  (above it for `increase`, below it for `decrease`), so achievement
  (value - baseline) / (target - baseline) is always defined.
"""

from __future__ import annotations

from smartcity_kit.problemtypes import FieldError

from ..vocabulary import Direction, Unit
from .schemas import Targets


def target_problems(data: Targets, *, unit: str, direction: str, start_year: int, end_year: int) -> list[FieldError]:
    problems: list[FieldError] = []
    problems.extend(value_problems("baseline.value", data.baseline.value, unit))
    if data.baseline.year > start_year:
        problems.append(
            FieldError(
                "baseline.year",
                "baseline_after_start",
                "The baseline comes before the initiative starts ({start_year}) or in that year.",
                {"start_year": start_year},
            )
        )
    seen: set[int] = set()
    for i, target in enumerate(data.targets):
        if not start_year <= target.year <= end_year:
            problems.append(
                FieldError(
                    f"targets[{i}].year",
                    "outside_span",
                    "Outside the initiative's span {start_year}-{end_year}.",
                    {"start_year": start_year, "end_year": end_year},
                )
            )
        if target.year in seen:
            problems.append(
                FieldError(f"targets[{i}].year", "duplicate", "A second target for {year}.", {"year": target.year})
            )
        seen.add(target.year)
        problems.extend(value_problems(f"targets[{i}].value", target.value, unit))
        if direction == Direction.INCREASE and not target.value > data.baseline.value:
            problems.append(
                FieldError(
                    f"targets[{i}].value",
                    "not_above_baseline",
                    "An indicator that should increase needs a target above its baseline.",
                )
            )
        if direction == Direction.DECREASE and not target.value < data.baseline.value:
            problems.append(
                FieldError(
                    f"targets[{i}].value",
                    "not_below_baseline",
                    "An indicator that should decrease needs a target below its baseline.",
                )
            )
    return problems


def value_problems(field: str, value: float, unit: str) -> list[FieldError]:
    """A measured or planned value: not negative, and a percentage within 0-100."""
    if value < 0:
        return [FieldError(field, "negative", "A value cannot be negative.")]
    if unit == Unit.PERCENT and value > 100:
        return [FieldError(field, "not_a_percentage", "A percentage lies within 0-100.")]
    return []
