"""Base classes for API models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: Any) -> Any:
    """Only text in RFC 3339 with an offset: pydantic alone also takes a number (seconds since 1970)."""
    if isinstance(value, datetime) or (isinstance(value, str) and RFC3339.fullmatch(value.strip())):
        return value
    raise ValueError("Not a time in RFC 3339 with an offset, such as 2026-11-28T09:00:00+07:00.")


# a time a client sends: RFC 3339 with an offset, as the contract says, and nothing else
Rfc3339Time = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only `YYYY-MM-DD`: pydantic alone also takes a number (seconds since 1970) or a midnight time."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value.strip())):
        return value
    raise ValueError("Not a date as YYYY-MM-DD.")


# a date a client sends: `YYYY-MM-DD`, as the contract says, and nothing else
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


# exactly what pydantic strips (Unicode White_Space), spelt out: `\s` means other sets in Python's re and in the
# ECMA regexes a client's JSON Schema validator uses (U+0085, U+001C..U+001F, U+FEFF)
SPACE = r"[\t-\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
NOT_SPACE = "[^" + SPACE[1:]


def not_blank_pattern(min_length: int) -> str:
    """A pattern for text at least `min_length` long once leading and trailing whitespace is stripped."""
    if min_length <= 1:
        return NOT_SPACE
    return rf"^{SPACE}*{NOT_SPACE}[\s\S]{{{min_length - 2},}}{NOT_SPACE}{SPACE}*$"


def _say_strings_are_stripped(node: Any) -> None:
    """Give every bounded string without a pattern one that says blanks do not count toward `minLength`."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("minLength", 0) >= 1 and "pattern" not in node:
            node["pattern"] = not_blank_pattern(node["minLength"])
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in node.get(key, []):
                _say_strings_are_stripped(branch)
        if isinstance(node.get("items"), dict):
            _say_strings_are_stripped(node["items"])
        for value in node.get("properties", {}).values():
            _say_strings_are_stripped(value)


class StrictModel(BaseModel):
    """A request body: unknown fields are refused (422), never silently dropped.

    Whitespace around text is stripped before its length is checked, so the
    schema gives such fields a pattern: a blank "   " is not valid data for a
    client (or a fuzzer) reading the document either.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_say_strings_are_stripped)


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None
