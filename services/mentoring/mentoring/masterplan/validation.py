"""The master plan's rules (CONTRACT.md), every broken one named at once.

Years are counted as Indonesian plans count them, in calendar years, both ends
included: an RPJMD 2025-2029 is a five-year plan, so a horizon 2026-2030 is 5
years and 2026-2036 is 11. A quick win delivers within 12 months, so it covers
at most 2 calendar years (2026-2027: `end_year - start_year <= 1`).
Only a plan being written is judged: an approved plan is frozen as approved.
"""

from __future__ import annotations

from smartcity_vocabulary import ELEMENTS, Dimension, Element

from .schemas import MasterPlanIn

MIN_HORIZON, MAX_HORIZON = 5, 10
MIN_QUICK_WINS = 3
MAX_QUICK_WIN_YEARS = 2
# the elements of each dimension by its name: an initiative names both as plain strings
_ELEMENTS: dict[str, tuple[Element, ...]] = {str(d): elements for d, elements in ELEMENTS.items()}


def calendar_years(start: int, end: int) -> int:
    """How many calendar years `start`-`end` covers, both ends included (2025-2029 is 5)."""
    return end - start + 1


def plan_problems(plan: MasterPlanIn) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []

    def problem(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    start, end = plan.horizon_start_year, plan.horizon_end_year
    years = calendar_years(start, end)
    if not MIN_HORIZON <= years <= MAX_HORIZON:
        problem(
            "horizon_end_year",
            f"The horizon {start}-{end} covers {years} calendar years; it must cover {MIN_HORIZON} to "
            f"{MAX_HORIZON}, both years included (e.g. {start}-{start + MIN_HORIZON - 1} is {MIN_HORIZON}).",
        )
    if not plan.vision.strip():
        problem("vision", "State the vision.")

    covered: set[str] = set()
    quick_wins = 0
    for i, item in enumerate(plan.initiatives):
        at = f"initiatives[{i}]"
        elements = _ELEMENTS.get(item.dimension)
        if elements is None:
            problem(f"{at}.dimension", f"'{item.dimension}' is not a dimension; one of {', '.join(Dimension)}.")
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
            covers = calendar_years(item.start_year, item.end_year)
            if covers > MAX_QUICK_WIN_YEARS:
                problem(
                    f"{at}.end_year",
                    f"A quick win delivers within 12 months, so it covers at most {MAX_QUICK_WIN_YEARS} calendar "
                    f"years (e.g. {item.start_year}-{item.start_year + 1}); "
                    f"{item.start_year}-{item.end_year} covers {covers}.",
                )
    for dimension in Dimension:
        if dimension not in covered:
            problem("initiatives", f"No initiative in the dimension '{dimension}'; each of the six needs one.")
    if quick_wins < MIN_QUICK_WINS:
        problem("initiatives", f"At least {MIN_QUICK_WINS} quick wins are needed; the plan has {quick_wins}.")
    return errors
