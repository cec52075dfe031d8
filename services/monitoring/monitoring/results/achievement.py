"""The arithmetic of results, apart from the database so that it is tested directly.

An indicator's achievement in a year is how far its value went from the
baseline towards that year's target: (value - baseline) / (target - baseline),
clipped to 0-1. Targets always lie on the indicator's side of the baseline
(indicators/validation.py), so one formula serves `increase` and `decrease`.
No target that year: no achievement. A mean leaves out what is None.
"""

from __future__ import annotations

from collections.abc import Iterable


def achievement(value: float, baseline: float, target: float | None) -> float | None:
    if target is None or target == baseline:
        return None
    return min(1.0, max(0.0, (value - baseline) / (target - baseline)))


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 4) if present else None
