"""A refused request's fields: each with a stable code and a message in the request's language.

Pydantic's error types are mapped onto a few codes a client can branch on
(`required`, `too_long`, `not_a_date`, ...), each with a message of ours (so it
has its Indonesian); a validator of ours refuses with `field_refusal(code,
message, **values)`, whose code passes through as it is (`not_a_region`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic_core import PydanticCustomError

from .i18n import message_id
from .problemtypes import FieldError

MESSAGE_ID = "message_id"
# pydantic's EmailStr refuses with a plain value_error: its reason is email-validator's, in English
NOT_AN_EMAIL = message_id("Not a valid e-mail address: {reason}.")
NOT_A_TIME = message_id("Must be a time in RFC 3339 with an offset, such as 2026-11-28T09:00:00+07:00.")

# pydantic's error type -> (our code, our message: its `{name}`s are values of the error's context)
_BY_TYPE: dict[str, tuple[str, str]] = {
    "missing": ("required", message_id("Required.")),
    "missing_argument": ("required", message_id("Required.")),
    "extra_forbidden": ("extra_forbidden", message_id("Unknown field.")),
    "unexpected_keyword_argument": ("extra_forbidden", message_id("Unknown field.")),
    "string_too_long": ("too_long", message_id("At most {max_length} characters.")),
    "url_too_long": ("too_long", message_id("At most {max_length} characters.")),
    "bytes_too_long": ("too_long", message_id("At most {max_length} bytes.")),
    "too_long": ("too_long", message_id("At most {max_length} items.")),
    "string_too_short": ("too_short", message_id("At least {min_length} characters.")),
    "bytes_too_short": ("too_short", message_id("At least {min_length} bytes.")),
    "too_short": ("too_short", message_id("At least {min_length} items.")),
    "greater_than": ("too_small", message_id("Must be greater than {gt}.")),
    "greater_than_equal": ("too_small", message_id("Must be at least {ge}.")),
    "less_than": ("too_large", message_id("Must be less than {lt}.")),
    "less_than_equal": ("too_large", message_id("Must be at most {le}.")),
    "multiple_of": ("not_a_multiple", message_id("Must be a multiple of {multiple_of}.")),
    "string_pattern_mismatch": ("pattern_mismatch", message_id("Does not have the form this field takes.")),
    "enum": ("not_one_of", message_id("Must be one of: {expected}.")),
    "literal_error": ("not_one_of", message_id("Must be one of: {expected}.")),
    "string_type": ("not_text", message_id("Must be text.")),
    "string_unicode": ("not_text", message_id("Must be text.")),
    "int_type": ("not_an_integer", message_id("Must be a whole number.")),
    "int_parsing": ("not_an_integer", message_id("Must be a whole number.")),
    "int_parsing_size": ("not_an_integer", message_id("Must be a whole number.")),
    "int_from_float": ("not_an_integer", message_id("Must be a whole number.")),
    "float_type": ("not_a_number", message_id("Must be a number.")),
    "float_parsing": ("not_a_number", message_id("Must be a number.")),
    "finite_number": ("not_a_number", message_id("Must be a number.")),
    "decimal_type": ("not_a_number", message_id("Must be a number.")),
    "decimal_parsing": ("not_a_number", message_id("Must be a number.")),
    "bool_type": ("not_a_boolean", message_id("Must be true or false.")),
    "bool_parsing": ("not_a_boolean", message_id("Must be true or false.")),
    "uuid_type": ("not_a_uuid", message_id("Must be a UUID.")),
    "uuid_parsing": ("not_a_uuid", message_id("Must be a UUID.")),
    "date_type": ("not_a_date", message_id("Must be a date as YYYY-MM-DD.")),
    "date_parsing": ("not_a_date", message_id("Must be a date as YYYY-MM-DD.")),
    "date_from_datetime_parsing": ("not_a_date", message_id("Must be a date as YYYY-MM-DD.")),
    "date_from_datetime_inexact": ("not_a_date", message_id("Must be a date as YYYY-MM-DD.")),
    "datetime_type": (
        "not_a_time",
        NOT_A_TIME,
    ),
    "datetime_parsing": (
        "not_a_time",
        NOT_A_TIME,
    ),
    "datetime_from_date_parsing": (
        "not_a_time",
        "Must be a time in RFC 3339 with an offset, such as 2026-11-28T09:00:00+07:00.",
    ),
    "timezone_aware": ("offset_required", message_id("Needs an offset, such as +07:00.")),
    "url_type": ("not_a_url", message_id("Must be a URL.")),
    "url_parsing": ("not_a_url", message_id("Must be a URL.")),
    "url_syntax_violation": ("not_a_url", message_id("Must be a URL.")),
    "url_scheme": ("not_a_url", message_id("Must be a URL of the scheme {expected_schemes}.")),
    "list_type": ("not_a_list", message_id("Must be a list.")),
    "tuple_type": ("not_a_list", message_id("Must be a list.")),
    "set_type": ("not_a_list", message_id("Must be a list.")),
    "dict_type": ("not_an_object", message_id("Must be an object.")),
    "model_type": ("not_an_object", message_id("Must be an object.")),
    "model_attributes_type": ("not_an_object", message_id("Must be an object.")),
    "json_invalid": ("invalid_json", message_id("Not valid JSON.")),
    "json_type": ("invalid_json", message_id("Not valid JSON.")),
}
INVALID = ("invalid", message_id("Not valid."))
# every field code the kit gives: for the documentation
FIELD_CODES = sorted({code for code, _ in _BY_TYPE.values()} | {INVALID[0], "not_an_email"})


def field_refusal(code: str, message: str, **values: Any) -> PydanticCustomError:
    """What a validator raises: a field error with our `code` (snake_case) and `message` (an English message id,
    its `{name}`s filled from `values`)."""
    return PydanticCustomError(code, message, {MESSAGE_ID: message, **values})


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """`("body", "contacts", 0, "email")` -> `contacts[0].email`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or str(loc[0] if loc else "body")


def _readable(value: Any) -> Any:
    return value if isinstance(value, str | int | float) else str(value)


def field_error(error: Mapping[str, Any]) -> FieldError:
    """One pydantic error (of `ValidationError.errors()`) as a field error of ours."""
    kind = str(error.get("type", ""))
    context = dict(error.get("ctx") or {})
    field = field_path(error.get("loc", ()))
    if MESSAGE_ID in context:  # a field_refusal of ours
        message = str(context.pop(MESSAGE_ID))
        return FieldError(field, kind, message, {k: _readable(v) for k, v in context.items()})
    if kind in _BY_TYPE:
        code, message = _BY_TYPE[kind]
        return FieldError(field, code, message, {k: _readable(v) for k, v in context.items()})
    if kind == "value_error" and str(error.get("msg", "")).startswith("value is not a valid email address"):
        return FieldError(field, "not_an_email", NOT_AN_EMAIL, {"reason": str(context.get("reason", "")).rstrip(".")})
    if kind == "value_error" and "error" in context:  # a plain ValueError of a validator: its text, translated
        return FieldError(field, INVALID[0], str(context["error"]))
    return FieldError(field, *INVALID)


def validation_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    return [field_error(error) for error in errors]
