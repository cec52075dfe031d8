"""The readiness score: a weighted mean of the scores that apply to the region.

    readiness_score = sum(weight_i * score_i) / sum(weight_i)

over the four official indicators and the three interview scores, each 0-100,
so the result is 0-100 too (two decimals, half up). A kabupaten has no
sustainable city index (Bappenas rates kota only): that indicator and its
weight are left out of both sums, so its absence counts neither for nor
against it. The weights come from the settings (`PARTICIPANTS_WEIGHT_*`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

INDICATORS = (
    "fiscal_capacity",
    "green_city_index",
    "government_performance_index",
    "sustainable_city_index",
    "infrastructure",
    "superstructure",
    "leadership_vision",
)


def readiness_score(scores: dict[str, float | None], weights: dict[str, float]) -> Decimal:
    applicable = [(name, score) for name in INDICATORS if (score := scores.get(name)) is not None]
    total_weight = sum((Decimal(str(weights[name])) for name, _ in applicable), Decimal(0))
    weighted = sum((Decimal(str(weights[name])) * Decimal(str(score)) for name, score in applicable), Decimal(0))
    return (weighted / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
