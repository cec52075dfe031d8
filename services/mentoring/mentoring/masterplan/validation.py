"""The master plan's rules (CONTRACT.md), every broken one named at once.

Year spans are differences: a horizon 2020-2030 is 10 years, a quick win
2021-2022 lasts one year.
"""

from __future__ import annotations

from ..vocabulary import DIMENSIONS
from .schemas import MasterPlanIn

MIN_HORIZON, MAX_HORIZON = 5, 10
MIN_QUICK_WINS = 3
MAX_QUICK_WIN_YEARS = 1


def plan_problems(plan: MasterPlanIn) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []

    def problem(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    start, end = plan.horizon_start_year, plan.horizon_end_year
    span = end - start
    if not MIN_HORIZON <= span <= MAX_HORIZON:
        problem(
            "horizon_end_year",
            f"The horizon {start}-{end} spans {span} years; it must span {MIN_HORIZON} to {MAX_HORIZON}.",
        )
    if not plan.vision.strip():
        problem("vision", "State the vision.")

    covered: set[str] = set()
    quick_wins = 0
    for i, item in enumerate(plan.initiatives):
        at = f"initiatives[{i}]"
        elements = DIMENSIONS.get(item.dimension)
        if elements is None:
            problem(f"{at}.dimension", f"'{item.dimension}' is not a dimension; one of {', '.join(DIMENSIONS)}.")
        else:
            covered.add(item.dimension)
            if item.element not in elements:
                problem(
                    f"{at}.element",
                    f"'{item.element}' is not an element of {item.dimension}; one of {', '.join(elements)}.",
                )
        if not (item.benefit or "").strip():
            problem(f"{at}.benefit", "State the benefit to citizens before any technology.")
        if not (item.beneficiaries or "").strip():
            problem(f"{at}.beneficiaries", "State who benefits.")
        if item.end_year < item.start_year:
            problem(f"{at}.end_year", f"Ends ({item.end_year}) before it starts ({item.start_year}).")
        if item.start_year < start or item.start_year > end:
            problem(f"{at}.start_year", f"{item.start_year} lies outside the horizon {start}-{end}.")
        if item.end_year > end or item.end_year < start:
            problem(f"{at}.end_year", f"{item.end_year} lies outside the horizon {start}-{end}.")
        if item.quick_win:
            quick_wins += 1
            if item.end_year - item.start_year > MAX_QUICK_WIN_YEARS:
                problem(
                    f"{at}.end_year",
                    f"A quick win lasts at most {MAX_QUICK_WIN_YEARS} year; this one spans "
                    f"{item.end_year - item.start_year} ({item.start_year}-{item.end_year}).",
                )
    for dimension in DIMENSIONS:
        if dimension not in covered:
            problem("initiatives", f"No initiative in the dimension '{dimension}'; each of the six needs one.")
    if quick_wins < MIN_QUICK_WINS:
        problem("initiatives", f"At least {MIN_QUICK_WINS} quick wins are needed; the plan has {quick_wins}.")
    return errors
