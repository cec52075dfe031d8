"""The master plan's rules (CONTRACT.md), every broken one named at once.

Years are counted as Indonesian plans count them, in calendar years, both ends
included: an RPJMD 2025-2029 is a five-year plan, so a horizon 2026-2030 is 5
years and 2026-2036 is 11. A quick win delivers within 12 months, so it covers
at most 2 calendar years (2026-2027: `end_year - start_year <= 1`).
Only a plan being written is judged: an approved plan is frozen as approved.
"""

from __future__ import annotations

from smartcity_kit.problemtypes import FieldError
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


def plan_problems(plan: MasterPlanIn) -> list[FieldError]:
    errors: list[FieldError] = []

    start, end = plan.horizon_start_year, plan.horizon_end_year
    years = calendar_years(start, end)
    if not MIN_HORIZON <= years <= MAX_HORIZON:
        errors.append(
            FieldError(
                "horizon_end_year",
                "horizon_out_of_range",
                "The horizon {start}-{end} covers {years} calendar years; it must cover {min} to {max}, both years "
                "included (e.g. {start}-{example_end} is {min}).",
                {
                    "start": start,
                    "end": end,
                    "years": years,
                    "min": MIN_HORIZON,
                    "max": MAX_HORIZON,
                    "example_end": start + MIN_HORIZON - 1,
                },
            )
        )
    if not plan.vision.strip():
        errors.append(FieldError("vision", "required", "State the vision."))

    covered: set[str] = set()
    quick_wins = 0
    for i, item in enumerate(plan.initiatives):
        at = f"initiatives[{i}]"
        elements = _ELEMENTS.get(item.dimension)
        if elements is None:
            errors.append(
                FieldError(
                    f"{at}.dimension",
                    "unknown_dimension",
                    "'{dimension}' is not a dimension; one of {dimensions}.",
                    {"dimension": item.dimension, "dimensions": ", ".join(Dimension)},
                )
            )
        else:
            covered.add(item.dimension)
            if item.element not in elements:
                errors.append(
                    FieldError(
                        f"{at}.element",
                        "unknown_element",
                        "'{element}' is not an element of {dimension}; one of {elements}.",
                        {"element": item.element, "dimension": item.dimension, "elements": ", ".join(elements)},
                    )
                )
        if not (item.benefit or "").strip():
            errors.append(
                FieldError(f"{at}.benefit", "required", "State the benefit to citizens before any technology.")
            )
        if not (item.beneficiaries or "").strip():
            errors.append(FieldError(f"{at}.beneficiaries", "required", "State who benefits."))
        if item.end_year < item.start_year:
            errors.append(
                FieldError(
                    f"{at}.end_year",
                    "ends_before_start",
                    "Ends ({end_year}) before it starts ({start_year}).",
                    {"end_year": item.end_year, "start_year": item.start_year},
                )
            )
        if item.start_year < start or item.start_year > end:
            errors.append(
                FieldError(
                    f"{at}.start_year",
                    "outside_horizon",
                    "{year} lies outside the horizon {start}-{end}.",
                    {"year": item.start_year, "start": start, "end": end},
                )
            )
        if item.end_year > end or item.end_year < start:
            errors.append(
                FieldError(
                    f"{at}.end_year",
                    "outside_horizon",
                    "{year} lies outside the horizon {start}-{end}.",
                    {"year": item.end_year, "start": start, "end": end},
                )
            )
        if item.quick_win:
            quick_wins += 1
            covers = calendar_years(item.start_year, item.end_year)
            if covers > MAX_QUICK_WIN_YEARS:
                errors.append(
                    FieldError(
                        f"{at}.end_year",
                        "quick_win_too_long",
                        "A quick win delivers within 12 months, so it covers at most {max} calendar years "
                        "(e.g. {start_year}-{example_end}); {start_year}-{end_year} covers {covers}.",
                        {
                            "max": MAX_QUICK_WIN_YEARS,
                            "start_year": item.start_year,
                            "example_end": item.start_year + 1,
                            "end_year": item.end_year,
                            "covers": covers,
                        },
                    )
                )
    for dimension in Dimension:
        if dimension not in covered:
            errors.append(
                FieldError(
                    "initiatives",
                    "dimension_missing",
                    "No initiative in the dimension '{dimension}'; each of the six needs one.",
                    {"dimension": dimension},
                )
            )
    if quick_wins < MIN_QUICK_WINS:
        errors.append(
            FieldError(
                "initiatives",
                "too_few_quick_wins",
                "At least {min} quick wins are needed; the plan has {count}.",
                {"min": MIN_QUICK_WINS, "count": quick_wins},
            )
        )
    return errors
