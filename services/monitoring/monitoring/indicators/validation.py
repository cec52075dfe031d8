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

from ..vocabulary import Direction, Unit
from .schemas import Targets


def target_problems(
    data: Targets, *, unit: str, direction: str, start_year: int, end_year: int
) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        problems.append({"field": field, "message": message})

    problems.extend(value_problems("baseline.value", data.baseline.value, unit))
    if data.baseline.year > start_year:
        bad("baseline.year", f"The baseline comes before the initiative starts ({start_year}) or in that year.")
    seen: set[int] = set()
    for i, target in enumerate(data.targets):
        if not start_year <= target.year <= end_year:
            bad(f"targets[{i}].year", f"Outside the initiative's span {start_year}-{end_year}.")
        if target.year in seen:
            bad(f"targets[{i}].year", f"A second target for {target.year}.")
        seen.add(target.year)
        problems.extend(value_problems(f"targets[{i}].value", target.value, unit))
        if direction == Direction.INCREASE and not target.value > data.baseline.value:
            bad(f"targets[{i}].value", "An indicator that should increase needs a target above its baseline.")
        if direction == Direction.DECREASE and not target.value < data.baseline.value:
            bad(f"targets[{i}].value", "An indicator that should decrease needs a target below its baseline.")
    return problems


def value_problems(field: str, value: float, unit: str) -> list[dict[str, str]]:
    """A measured or planned value: not negative, and a percentage within 0-100."""
    if value < 0:
        return [{"field": field, "message": "A value cannot be negative."}]
    if unit == Unit.PERCENT and value > 100:
        return [{"field": field, "message": "A percentage lies within 0-100."}]
    return []
