"""What a client loses between two versions of openapi/openapi.json, and whether openapi/CHANGELOG.md names it.

A removal is an operation gone (a path's method, or an event type under
`webhooks`), a required request field gone (a required property of a request
body, or a required parameter, no longer there) or a response code gone from an
operation that stays. Each must be named by one line of the changelog: the line
holds the operation (`GET /api/v1/regions`, or the event type) and, for a field
or a code, that field's name or that code as a word of its own.

The previous version is the newest committed one that differs from the file in
the work tree: before a commit, the one in HEAD; after it, the one before.
`python -m smartcity_dev.apichanges` prints the removals it finds and exits 1
when the changelog misses one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DOCUMENT = Path("openapi/openapi.json")
CHANGELOG = REPO / "openapi" / "CHANGELOG.md"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
COMPONENT = "#/components/schemas/"


@dataclass(frozen=True)
class Removal:
    operation: str  # `GET /api/v1/regions`, or an event type
    what: str  # "operation", "required field", "response"
    name: str = ""  # the field's name or the status code

    def __str__(self) -> str:
        if self.what == "operation":
            return f"{self.operation}: the operation is gone"
        return f"{self.operation}: the {self.what} {self.name} is gone"

    def named_by(self, line: str) -> bool:
        return _word(self.operation, line) and (not self.name or _word(self.name, line))


def _word(text: str, line: str) -> bool:
    """`text` in `line`, not as a part of something longer (`GET /api/v1/regions` is not in `GET /api/v1/regions/x`)."""
    return re.search(rf"(?<![\w/.{{-]){re.escape(text)}(?![\w/{{-]|\.\w)", line) is not None


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """`METHOD /path` (or an event type, for `webhooks`) -> its operation."""
    found = {
        f"{method.upper()} {path}": item[method]
        for path, item in document.get("paths", {}).items()
        for method in HTTP_METHODS
        if method in item
    }
    for event_type, item in document.get("webhooks", {}).items():
        found[event_type] = item["post"]
    return found


def _resolved(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith(COMPONENT):
        target: dict[str, Any] = document["components"]["schemas"][ref.removeprefix(COMPONENT)]
        return target
    return schema


def request_fields(operation: dict[str, Any], document: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(the required request fields, every request field): each body's properties and each parameter."""
    required: set[str] = set()
    every: set[str] = set()
    for parameter in operation.get("parameters", []):
        every.add(parameter["name"])
        if parameter.get("required"):
            required.add(parameter["name"])
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = _resolved(media.get("schema", {}), document)
        every |= set(schema.get("properties", {}))
        required |= set(schema.get("required", []))
    return required, every


def removals(old: dict[str, Any], new: dict[str, Any]) -> list[Removal]:
    before, after = operations(old), operations(new)
    found: list[Removal] = []
    for name, operation in before.items():
        if name not in after:
            found.append(Removal(name, "operation"))
            continue
        required, _ = request_fields(operation, old)
        _, still = request_fields(after[name], new)
        found += [Removal(name, "required field", field) for field in sorted(required - still)]
        codes = set(operation.get("responses", {})) - set(after[name].get("responses", {}))
        found += [Removal(name, "response", code) for code in sorted(codes)]
    return found


def unnamed(found: list[Removal], changelog: str) -> list[Removal]:
    lines = changelog.splitlines()
    return [removal for removal in found if not any(removal.named_by(line) for line in lines)]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout


def current() -> dict[str, Any]:
    """The document in the work tree."""
    document: dict[str, Any] = json.loads((REPO / DOCUMENT).read_text())
    return document


def previous_version() -> tuple[str, dict[str, Any]] | None:
    """(commit, document) of the newest committed version that differs from the work tree's; None if none does."""
    current = (REPO / DOCUMENT).read_text()
    for commit in _git("log", "--format=%H", "--", str(DOCUMENT)).split():
        text = _git("show", f"{commit}:{DOCUMENT}")
        if text != current:
            return commit, json.loads(text)
    return None


def main() -> int:
    previous = previous_version()
    if previous is None:
        print(f"{DOCUMENT}: no earlier version to compare with")
        return 0
    commit, old = previous
    found = removals(old, current())
    missing = unnamed(found, CHANGELOG.read_text())
    print(f"{DOCUMENT} compared with {commit[:12]}: {len(found)} removal(s), {len(missing)} not in {CHANGELOG.name}")
    for removal in found:
        print(("  MISSING " if removal in missing else "  named   ") + str(removal))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
