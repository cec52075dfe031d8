"""The Indonesian catalogues: `make messages` adds each package's new messages to its catalogue, a test checks
every message has its Indonesian.

A message is English text in the code: the message argument of the calls
that take one (`AppError(TYPE, "...")`,
`NotFound("...")`, `FieldError(field, code, "...")`, `field_refusal(code, "...")`,
a problem type's title, ...). Each package's catalogue is
`<package>/locale/id/LC_MESSAGES/<package>.po`, a text file read at start-up.
A message built at run time (an f-string, a concatenation) cannot be looked up:
`non_literal_messages` names each, for the test.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
# each package with messages: its catalogue's domain (the package's name) -> its directory
PACKAGES: dict[str, Path] = {
    "smartcity_kit": ROOT / "libs" / "kit" / "smartcity_kit",
    "gateway": ROOT / "gateway" / "gateway",
    "participants": ROOT / "services" / "participants" / "participants",
    "documents": ROOT / "services" / "documents" / "documents",
    "mentoring": ROOT / "services" / "mentoring" / "mentoring",
    "monitoring": ROOT / "services" / "monitoring" / "monitoring",
    "webhooks": ROOT / "services" / "webhooks" / "webhooks",
    "reports": ROOT / "services" / "reports" / "reports",
}
# the calls that take a message, and which positional argument is it (1-based, as Babel's keywords count)
KEYWORDS: dict[str, tuple[int, ...]] = {
    "AppError": (2,),
    "define": (3,),
    "bad": (4,),
    "_invalid": (3,),  # an upload form's refusal: _invalid(field, code, message)
    "TooExpanded": (1,),  # a CSV line's refusal: bad(line, column, code, message)
    "problem_response": (3,),
    "problem_body": (3,),
    "raw_problem": (3,),
    "_refuse": (2,),
    "FieldError": (3,),
    "field_refusal": (2,),
    "message_id": (1,),
    "placed": (3,),  # monitoring: a problem placed where an uploaded sheet names it
    "Refused": (2,),  # webhooks: why a URL is refused
    "NotAcceptable": (1,),  # reports: a form of a report not served
    **{
        name: (1,)
        for name in (
            "Unauthorized",
            "Forbidden",
            "NotFound",
            "Conflict",
            "PreconditionFailed",
            "PayloadTooLarge",
            "UnsupportedMediaType",
            "RangeNotSatisfiable",
            "Unprocessable",
            "PreconditionRequired",
            "ServiceUnavailable",
        )
    },
}


def catalogue_path(domain: str) -> Path:
    return PACKAGES[domain] / "locale" / "id" / "LC_MESSAGES" / f"{domain}.po"


def _calls(domain: str) -> Iterator[tuple[Path, int, ast.expr]]:
    """(file, line, argument) of each message argument of the package's code."""
    for path in sorted(PACKAGES[domain].rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            for index in KEYWORDS.get(str(name), ()):
                if index <= len(node.args):
                    yield path, node.lineno, node.args[index - 1]


def extracted(domain: str) -> dict[str, list[tuple[str, int]]]:
    """Every message of the package's code: message -> where it is (file, line)."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path, line, argument in _calls(domain):
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str) and argument.value:
            found.setdefault(argument.value, []).append((path.name, line))
    return found


def read_catalogue(domain: str) -> Catalog:
    path = catalogue_path(domain)
    if not path.exists():
        return Catalog(locale="id", domain=domain)
    with path.open("rb") as file:
        return read_po(file, locale="id", domain=domain)


def untranslated(domain: str) -> list[str]:
    catalogue = read_catalogue(domain)
    translated = {str(m.id) for m in catalogue if m.id and m.string and not m.fuzzy}
    return sorted(set(extracted(domain)) - translated)


def placeholders_changed(domain: str) -> list[str]:
    """The messages whose Indonesian names other `{values}` than the English (it would fail when filled)."""
    names = re.compile(r"\{(\w+)\}")
    return sorted(
        str(m.id)
        for m in read_catalogue(domain)
        if m.id and m.string and set(names.findall(str(m.id))) != set(names.findall(str(m.string)))
    )


def non_literal_messages(domain: str) -> Iterator[str]:
    """`file:line` of each message argument built at run time (an f-string, a concatenation): not translatable."""
    for path, line, argument in _calls(domain):
        if isinstance(argument, ast.JoinedStr | ast.BinOp):
            yield f"{path.relative_to(ROOT)}:{line}"


def update(domain: str) -> int:
    """Add the package's new messages to its catalogue (untranslated), keep the others; how many were added."""
    catalogue = read_catalogue(domain)
    messages = extracted(domain)
    added = 0
    for message, places in sorted(messages.items()):
        if message not in catalogue:
            catalogue.add(message, "", locations=[(f, n) for f, n in places if n])
            added += 1
    path = catalogue_path(domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalogue, width=120, omit_header=True, sort_output=True, no_location=True)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a message lacks its Indonesian")
    args = parser.parse_args(argv)
    failed = False
    for domain in PACKAGES:
        if args.check:
            for message in untranslated(domain):
                print(f"{domain}: no Indonesian for {message!r}", file=sys.stderr)
                failed = True
            for message in placeholders_changed(domain):
                print(f"{domain}: the Indonesian of {message!r} names other values", file=sys.stderr)
                failed = True
            for place in non_literal_messages(domain):
                print(f"{domain}: a message built at run time at {place}", file=sys.stderr)
                failed = True
        else:
            added = update(domain)
            print(f"{catalogue_path(domain).relative_to(ROOT)}: {added} new message(s) to translate")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
