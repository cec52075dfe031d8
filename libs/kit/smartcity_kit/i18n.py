"""The languages a refusal speaks: English (the default) and Bahasa Indonesia, chosen by `Accept-Language`.

Messages are written in English in the code, and that English is the gettext
message id. Each package keeps its Indonesian in its own catalogue,
`<package>/locale/id/LC_MESSAGES/<package>.po`, read with Babel when the package
registers its problem types (`problemtypes.ProblemTypes`): a text file, so a
fresh clone runs without a compile step. `make messages` adds new message ids
to the catalogues; tests/test_problem_types.py fails while one lacks its
Indonesian.

A message may carry values (`{phase}`, `{closes_on}`): a date or a time is
written the way the language writes it (Babel's CLDR data), a time in the zone
it carries (give it the region's), a number with the language's separators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_time
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

ENGLISH = "en"
INDONESIAN = "id"
LANGUAGES = (ENGLISH, INDONESIAN)
# a language tag and its optional weight: `id-ID`, `en;q=0.8`, `*;q=0.1`
_RANGE = re.compile(r"^\s*([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)\s*(?:;\s*q\s*=\s*([01](?:\.\d{0,3})?))?\s*$")

# message id -> its Indonesian, from every catalogue registered in this process
_INDONESIAN: dict[str, str] = {}


def negotiate(accept_language: str | None) -> str:
    """The language of `Accept-Language` (RFC 9110: weights honoured, `id-ID` is `id`) we speak; English else."""
    candidates = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        found = _RANGE.match(part)
        if found is None:
            continue
        tag, weight = found.group(1).lower(), float(found.group(2) or 1)
        language = ENGLISH if tag == "*" else tag.split("-")[0]
        if language in LANGUAGES and weight > 0:
            candidates.append((weight, -position, language))
    # the heaviest wins; at equal weight the first named
    return max(candidates)[2] if candidates else ENGLISH


def language_of(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The language of an ASGI scope's raw headers."""
    for name, value in headers:
        if name == b"accept-language":
            return negotiate(value.decode("latin-1"))
    return ENGLISH


def load_catalogue(package_dir: Path, domain: str) -> dict[str, str]:
    """Read the package's Indonesian catalogue and make its messages known; what it holds, for the tests."""
    path = package_dir / "locale" / INDONESIAN / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return {}
    with path.open("rb") as file:
        catalogue = read_po(file, locale=INDONESIAN, domain=domain)
    found = {str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy}
    _INDONESIAN.update(found)
    return found


def message_id(message: str) -> str:
    """Marks English text as a message to translate where it is not passed straight to a refusal (a table, a
    default): `make messages` finds it as it finds a refusal's detail (gettext's `N_`)."""
    return message


def translate(message: str, language: str) -> str:
    if language == INDONESIAN:
        return _INDONESIAN.get(message, message)
    return message


def has_indonesian(message: str) -> bool:
    return message in _INDONESIAN


def format_value(value: Any, language: str) -> str:
    if isinstance(value, datetime):  # in the zone it carries, named as the region names it (WIB, WITA, WIT)
        day = format_date(value, "long", locale=language)
        return f"{day} {format_time(value, 'short', tzinfo=value.tzinfo, locale=language)} {value.tzname()}"
    if isinstance(value, date):
        return str(format_date(value, "long", locale=language))
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):  # not an int: a year or a code keeps its digits alone
        return str(format_decimal(value, locale=language))
    return str(value)


def render(message: str, values: Mapping[str, Any] | None, language: str) -> str:
    """`message` in `language`, its `{name}`s filled with `values` as the language writes them."""
    text = translate(message, language)
    if not values:
        return text
    return text.format_map({name: format_value(value, language) for name, value in values.items()})
