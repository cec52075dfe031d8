"""Parsing and checking a population-and-area CSV: every bad line is named, nothing is half-read.

Columns `code,population_male,population_female,population,area_km2` (the
shape of the official `population_area.csv`): whole people, the total equal
to its two parts, an area in km² with at most three decimals.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from smartcity_kit.problemtypes import FieldError

from .importer import CsvProblems

STATISTICS_COLUMNS = ["code", "population_male", "population_female", "population", "area_km2"]
MAX_PEOPLE = 10**10  # a bigint holds it; no region is near it
MAX_AREA = Decimal("999999999.999")  # numeric(12, 3)


@dataclass(frozen=True)
class StatisticsRow:
    code: str
    population_male: int
    population_female: int
    population: int
    area_km2: Decimal


def _people(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) <= 11 and int(value) <= MAX_PEOPLE else None


def _area(value: str) -> Decimal | None:
    try:
        area = Decimal(value)
    except InvalidOperation:
        return None
    exponent = area.as_tuple().exponent  # a letter only for NaN and infinities
    if not isinstance(exponent, int) or exponent < -3 or area < 0 or area > MAX_AREA:
        return None
    return area


def parse_statistics_csv(data: bytes, known_codes: set[str]) -> list[StatisticsRow]:
    """All rows, or CsvProblems naming every bad line (line 1 is the header)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        not_text = FieldError(
            "body", "not_utf8", "Not UTF-8 text: {reason} at byte {at}.", {"reason": exc.reason, "at": exc.start}
        )
        raise CsvProblems([not_text]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or [h.strip() for h in header] != STATISTICS_COLUMNS:
        header_error = FieldError(
            "line 1", "wrong_header", "The header must be: {header}.", {"header": ",".join(STATISTICS_COLUMNS)}
        )
        raise CsvProblems([header_error])
    errors: list[FieldError] = []
    rows: list[StatisticsRow] = []
    seen: dict[str, int] = {}

    def bad(line: int, column: str, code: str, message: str, /, **values: Any) -> None:
        errors.append(FieldError(f"line {line}.{column}", code, message, values))

    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(STATISTICS_COLUMNS):
            bad(
                line,
                "row",
                "wrong_column_count",
                "Expected {expected} columns, found {found}.",
                expected=len(STATISTICS_COLUMNS),
                found=len(cells),
            )
            continue
        code, male, female, total, area = (cell.strip() for cell in cells)
        before = len(errors)
        if code in seen:
            bad(line, "code", "duplicate", "Duplicate of line {line}.", line=seen[code])
        seen.setdefault(code, line)
        if code not in known_codes:
            bad(line, "code", "unknown_region", "No region has the code '{code}'; import the regions first.", code=code)
        people: dict[str, int] = {}
        for column, value in (("population_male", male), ("population_female", female), ("population", total)):
            number = _people(value)
            if number is None:
                bad(
                    line,
                    column,
                    "not_a_population",
                    "'{value}' is not a whole number of people (0 to {max}).",
                    value=value,
                    max=MAX_PEOPLE,
                )
            else:
                people[column] = number
        if len(people) == 3 and people["population"] != people["population_male"] + people["population_female"]:
            bad(line, "population", "population_mismatch", "Must equal population_male + population_female.")
        square_km = _area(area)
        if square_km is None:
            bad(
                line,
                "area_km2",
                "not_an_area",
                "'{value}' is not an area in km² (0 or more, at most three decimals).",
                value=area,
            )
        elif len(errors) == before:
            rows.append(
                StatisticsRow(
                    code, people["population_male"], people["population_female"], people["population"], square_km
                )
            )
    if errors:
        raise CsvProblems(errors)
    if not rows:
        raise CsvProblems([FieldError("body", "empty", "The file holds no regions.")])
    return rows
