"""Base classes for API models."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from .fielderrors import field_refusal

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def _rfc3339(value: Any) -> Any:
    """Only text in RFC 3339 with an offset: pydantic alone also takes a number (seconds since 1970)."""
    if isinstance(value, datetime) or (isinstance(value, str) and RFC3339.fullmatch(value.strip())):
        return value
    raise field_refusal("not_a_time", "Must be a time in RFC 3339 with an offset, such as 2026-11-28T09:00:00+07:00.")


# a time a client sends: RFC 3339 with an offset, as the contract says, and nothing else
Rfc3339Time = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only `YYYY-MM-DD`: pydantic alone also takes a number (seconds since 1970) or a midnight time."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DATE.fullmatch(value.strip())):
        return value
    raise field_refusal("not_a_date", "Must be a date as YYYY-MM-DD.")


# a date a client sends: `YYYY-MM-DD`, as the contract says, and nothing else
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


# exactly what pydantic strips (Unicode White_Space), spelt out: `\s` means other sets in Python's re and in the
# ECMA regexes a client's JSON Schema validator uses (U+0085, U+001C..U+001F, U+FEFF)
SPACE_CHARS = r"\t-\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# what no text field takes: control characters (C0 and C1, but the whitespace above), bidirectional embeddings,
# overrides, isolates and marks (`report\u202efdp.exe` shows as `reportexe.pdf`), zero-width characters, BOM
INVISIBLE_CHARS = (
    r"\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
)
SPACE = f"[{SPACE_CHARS}]"
NOT_SPACE = f"[^{SPACE_CHARS}]"
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
_ALLOWED = f"[^{INVISIBLE_CHARS}]"
_VISIBLE = f"[^{SPACE_CHARS}{INVISIBLE_CHARS}]"


def not_blank_pattern(min_length: int) -> str:
    """A pattern for text without invisible characters, at least `min_length` long once leading and trailing
    whitespace is stripped (0: any such text)."""
    if min_length <= 0:
        return f"^{_ALLOWED}*$"
    if min_length == 1:
        return f"^{_ALLOWED}*{_VISIBLE}{_ALLOWED}*$"
    return rf"^{SPACE}*{_VISIBLE}{_ALLOWED}{{{min_length - 2},}}{_VISIBLE}{SPACE}*$"


def _say_what_text_is_taken(node: Any) -> None:
    """Give every free string (no pattern, format or enum of its own) the pattern of what is taken: no invisible
    characters, and blanks do not count toward `minLength`."""
    if isinstance(node, dict):
        free = not any(key in node for key in ("pattern", "format", "enum", "const"))
        if node.get("type") == "string" and free:
            node["pattern"] = not_blank_pattern(node.get("minLength", 0))
        for key in ("anyOf", "oneOf", "allOf"):
            for branch in node.get(key, []):
                _say_what_text_is_taken(branch)
        if isinstance(node.get("items"), dict):
            _say_what_text_is_taken(node["items"])
        for value in node.get("properties", {}).values():
            _say_what_text_is_taken(value)


def refuse_invisible(value: Any) -> None:
    """Raise ValueError when `value` (text, or text in lists and mappings) holds an invisible character."""
    if isinstance(value, str):
        found = INVISIBLE.search(value)
        if found is not None:
            raise field_refusal(
                "invisible_character",
                "Holds an invisible or control character ({character}); only visible text is taken.",
                character=f"U+{ord(found.group()):04X}",
            )
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            refuse_invisible(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_invisible(key)
            refuse_invisible(item)


class StrictModel(BaseModel):
    """A request body: unknown fields are refused (422), never silently dropped.

    Whitespace around text is stripped before its length is checked, and text
    holding a control, bidirectional or zero-width character is refused (422):
    such characters make a name show as something else (`report\u202efdp.exe`)
    or two names that look alike differ. The schema gives each free string the
    pattern that says both, so a client (or a fuzzer) reading the document
    knows what is taken.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_say_what_text_is_taken)

    @field_validator("*", mode="after")
    @classmethod
    def _visible_text(cls, value: Any) -> Any:
        refuse_invisible(value)
        return value


class FieldProblem(BaseModel):
    field: str = Field(
        description="The field, parameter or line refused: `contacts[0].email`, `cursor`, `line 3.code`."
    )
    code: str = Field(description="Why, stably (snake_case): `required`, `too_long`, `not_a_region`, ...")
    message: str = Field(description="Why, for people, in the language of the answer.")


class Problem(BaseModel):
    """A refusal (RFC 9457). Branch on `code`; `title` and `detail` are for people, in the language asked for with
    `Accept-Language` (`id` for Bahasa Indonesia, English otherwise). `GET /api/v1/problem-types` lists every code."""

    type: str = Field(description="The code's URI: `https://smartcity.kominfo.go.id/problems/<code>`.")
    code: str = Field(description="The problem type, stable: `registration-closed`, `not-found`, ...")
    title: str = Field(description="The problem type, for people.")
    status: int
    detail: str = Field(description="This occurrence, for people.")
    errors: list[FieldProblem] | None = Field(default=None, description="Each field refused, when there are fields.")
