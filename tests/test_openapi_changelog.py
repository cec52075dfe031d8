"""Nothing a client relies on leaves openapi/openapi.json without a line in openapi/CHANGELOG.md.

The document in the work tree is compared with its previous committed version
(smartcity_dev.apichanges): every operation, required request field and
response code gone must be named there. The rules of the comparison are tested
on small documents first.
"""

from __future__ import annotations

import copy
import subprocess
from typing import Any

import pytest
from smartcity_dev import apichanges
from smartcity_dev.apichanges import Removal

OLD: dict[str, Any] = {
    "paths": {
        "/api/v1/phases": {
            "get": {"responses": {"200": {}, "401": {}}},
            "post": {
                "parameters": [
                    {"name": "Idempotency-Key", "in": "header", "required": True},
                    {"name": "dry_run", "in": "query"},
                ],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/PhaseIn"}}}},
                "responses": {"201": {}, "409": {}, "422": {}},
            },
        },
        "/api/v1/phases/{code}": {"get": {"responses": {"200": {}, "404": {}}}},
    },
    "webhooks": {"phase.created": {"post": {"responses": {"2XX": {}}}}},
    "components": {
        "schemas": {
            "PhaseIn": {
                "type": "object",
                "properties": {"code": {}, "quota": {}, "name": {}},
                "required": ["code", "quota"],
            }
        }
    },
}


def changed(change) -> dict[str, Any]:
    new = copy.deepcopy(OLD)
    change(new)
    return new


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: None, []),
        # additions take nothing away
        (lambda d: d["paths"]["/api/v1/phases"]["get"]["responses"].update({"429": {}}), []),
        (lambda d: d["paths"].update({"/api/v1/regions": {"get": {"responses": {"200": {}}}}}), []),
        # a required field that stays but becomes optional is not gone
        (lambda d: d["components"]["schemas"]["PhaseIn"].update(required=["code"]), []),
        # an optional field gone takes nothing required away
        (lambda d: d["components"]["schemas"]["PhaseIn"]["properties"].pop("name"), []),
        (lambda d: d["paths"].pop("/api/v1/phases/{code}"), [Removal("GET /api/v1/phases/{code}", "operation")]),
        (lambda d: d["webhooks"].clear(), [Removal("phase.created", "operation")]),
        (
            lambda d: d["components"]["schemas"]["PhaseIn"]["properties"].pop("quota"),
            [Removal("POST /api/v1/phases", "required field", "quota")],
        ),
        (
            lambda d: d["paths"]["/api/v1/phases"]["post"]["parameters"].pop(0),
            [Removal("POST /api/v1/phases", "required field", "Idempotency-Key")],
        ),
        (
            lambda d: d["paths"]["/api/v1/phases"]["post"]["responses"].pop("409"),
            [Removal("POST /api/v1/phases", "response", "409")],
        ),
    ],
)
def test_what_a_client_loses_is_found(change, expected):
    assert apichanges.removals(OLD, changed(change)) == expected


@pytest.mark.parametrize(
    ("removal", "line", "named"),
    [
        (Removal("GET /api/v1/phases/{code}", "operation"), "- `GET /api/v1/phases/{code}` is gone.", True),
        # another operation whose path begins alike does not name it
        (Removal("GET /api/v1/phases", "operation"), "- `GET /api/v1/phases/{code}` is gone.", False),
        (Removal("POST /api/v1/phases", "response", "409"), "- `POST /api/v1/phases` no longer answers 409.", True),
        (Removal("POST /api/v1/phases", "response", "409"), "- `POST /api/v1/phases` no longer answers 4090.", False),
        (Removal("POST /api/v1/phases", "response", "409"), "- `GET /api/v1/phases` no longer answers 409.", False),
        (Removal("POST /api/v1/phases", "required field", "code"), "- `POST /api/v1/phases`: no `region_code`.", False),
        (Removal("POST /api/v1/phases", "required field", "code"), "- `POST /api/v1/phases`: no `code`.", True),
        (Removal("phase.created", "operation"), "- The event type `phase.created` is no longer sent.", True),
    ],
)
def test_a_removal_is_named_by_a_line_with_its_operation_and_its_name(removal, line, named):
    assert apichanges.unnamed([removal], f"# Changelog\n\n{line}\n") == ([] if named else [removal])


def test_the_changelog_names_everything_gone_since_the_previous_document():
    try:
        previous = apichanges.previous_version()
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout, no previous document to compare with: {exc}")
    if previous is None:
        return  # the document's first version: nothing can be gone
    commit, old = previous
    found = apichanges.removals(old, apichanges.current())
    missing = apichanges.unnamed(found, apichanges.CHANGELOG.read_text())
    assert missing == [], (
        f"openapi/openapi.json, compared with {commit[:12]}, lost what openapi/CHANGELOG.md does not name "
        "(a line with the operation and the field or code):\n" + "\n".join(map(str, missing))
    )
