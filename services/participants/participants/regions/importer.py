"""Parsing and checking a regions CSV: every bad line is named, nothing is half-read."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import time_zone_of_province

COLUMNS = ["code", "name", "level", "kind", "province_code", "province_name"]
_PROVINCE = re.compile(r"^\d{2}$")
_REGENCY = re.compile(r"^(\d{2})\.(\d{2})$")


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: str
    kind: str
    province_code: str | None
    province_name: str | None
    time_zone: str


class CsvProblems(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def parse_regions_csv(data: bytes, known_provinces: set[str]) -> list[RegionRow]:
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
    if header is None or [h.strip() for h in header] != COLUMNS:
        header_error = FieldError(
            "line 1", "wrong_header", "The header must be: {header}.", {"header": ",".join(COLUMNS)}
        )
        raise CsvProblems([header_error])

    raw: list[tuple[int, list[str]]] = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        raw.append((reader.line_num, [cell.strip() for cell in row]))
    provinces = set(known_provinces) | {r[0] for _, r in raw if len(r) == 6 and _PROVINCE.match(r[0])}

    errors: list[FieldError] = []
    rows: list[RegionRow] = []
    seen: dict[str, int] = {}

    def bad(line: int, column: str, code: str, message: str, /, **values: Any) -> None:
        errors.append(FieldError(f"line {line}.{column}", code, message, values))

    for line, cells in raw:
        if len(cells) != len(COLUMNS):
            bad(
                line,
                "row",
                "wrong_column_count",
                "Expected {expected} columns, found {found}.",
                expected=len(COLUMNS),
                found=len(cells),
            )
            continue
        code, name, level, kind, province_code, province_name = cells
        before = len(errors)
        if code in seen:
            bad(line, "code", "duplicate", "Duplicate of line {line}.", line=seen[code])
        seen.setdefault(code, line)
        if not name:
            bad(line, "name", "required", "Empty.")
        if level == "province":
            if not _PROVINCE.match(code) or time_zone_of_province(code) is None:
                bad(line, "code", "not_a_province_code", "'{code}' is not a province code.", code=code)
            if kind != "provinsi":
                bad(line, "kind", "wrong_kind", "A province has kind 'provinsi'.")
            if province_code or province_name:
                bad(line, "province_code", "not_expected", "A province has no parent province.")
            zone_code = code
        elif level == "regency_city":
            match = _REGENCY.match(code)
            if not match:
                bad(line, "code", "not_a_region_code", "'{code}' is not a kabupaten/kota code like 32.73.", code=code)
            else:
                number = int(match.group(2))
                if kind == "kabupaten" and not 1 <= number <= 69:
                    bad(line, "code", "kabupaten_number", "Kabupaten are numbered 01-69 within their province.")
                if kind == "kota" and not 71 <= number <= 99:
                    bad(line, "code", "kota_number", "Kota are numbered 71-99 within their province.")
                if province_code != match.group(1):
                    bad(
                        line,
                        "province_code",
                        "province_mismatch",
                        "Must be the first part of the code, '{province}'.",
                        province=match.group(1),
                    )
            if kind not in ("kabupaten", "kota"):
                bad(line, "kind", "wrong_kind", "A regency_city has kind 'kabupaten' or 'kota'.")
            if province_code not in provinces:
                bad(line, "province_code", "unknown_province", "Unknown province '{province}'.", province=province_code)
            if not province_name:
                bad(line, "province_name", "required", "Empty.")
            zone_code = province_code
        else:
            bad(line, "level", "not_one_of", "Must be 'province' or 'regency_city'.")
            continue
        zone = time_zone_of_province(zone_code)
        if len(errors) == before and zone is not None:
            rows.append(RegionRow(code, name, level, kind, province_code or None, province_name or None, zone))
    if errors:
        raise CsvProblems(errors)
    if not rows:
        raise CsvProblems([FieldError("body", "empty", "The file holds no regions.")])
    return rows
