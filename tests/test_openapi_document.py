"""openapi/openapi.json is what the code says, valid OpenAPI 3.1, with names a generated client can use.

The document is built in process (smartcity_dev.openapidoc, as `make openapi`
writes it); a change of a route, a schema or a merge rule without `make
openapi` fails here with the diff.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from unittest.mock import patch

import gateway.openapi
import pytest
import structlog
from openapi_spec_validator import validate
from smartcity_dev import generated, openapidoc
from structlog.testing import capture_logs

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
# the service's name, a dot and the route's name in camelCase; the feeds and audit trails every service serves alike
OPERATION_ID = re.compile(r"^[a-z]+\.[a-z][a-zA-Z0-9]*$")
OWNERS = {*openapidoc.SERVICES, "gateway", "events", "audit"}


@pytest.fixture(scope="module")
def built() -> dict[str, Any]:
    # capture_logs sees only a logger first used within it (the kit's logging caches each on its first use); each
    # app built configures logging, and capture_logs restores only the processors on leaving, so the whole
    # configuration is put back: bytes loggers with the earlier text renderer failed the next test's log line
    saved = structlog.get_config()
    try:
        with capture_logs() as logs, patch.object(gateway.openapi, "log", structlog.get_logger("openapi")):
            document = openapidoc.build()
    finally:
        structlog.configure(**saved)
    # the merge leaves out, and logs, what it cannot place: a path a service does not own, an event type or a
    # component name twice
    assert [entry for entry in logs if entry["log_level"] != "debug"] == []
    return document


@pytest.fixture(scope="module")
def committed() -> str:
    return openapidoc.TARGET.read_text()


def operations(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for section in ("paths", "webhooks"):
        for path, item in document.get(section, {}).items():
            found += [(f"{method.upper()} {path}", op) for method, op in item.items() if method in HTTP_METHODS]
    return found


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_the_committed_document_is_what_the_code_makes(built, committed):
    diff = generated.difference(committed, openapidoc.render(built), "openapi/openapi.json")
    if diff:
        pytest.fail(f"openapi/openapi.json is out of date: run `make openapi`\n{diff[:20000]}", pytrace=False)


def test_the_difference_is_shown_line_by_line():
    assert generated.difference('{\n  "a": 1\n}\n', '{\n  "a": 2\n}\n', "openapi/openapi.json").splitlines() == [
        "--- openapi/openapi.json (committed)",
        "+++ openapi/openapi.json (from the code)",
        "@@ -1,3 +1,3 @@",
        " {",
        '-  "a": 1',
        '+  "a": 2',
        " }",
    ]
    assert generated.difference("{}\n", "{}\n", "openapi/openapi.json") == ""


def test_the_document_is_valid_openapi_3_1_with_every_service(built):
    validate(built)
    assert built["openapi"] == "3.1.0"
    assert built["info"]["x-services"] == dict.fromkeys(openapidoc.SERVICES, "present")
    assert "Not available" not in built["info"]["description"]


def test_every_operation_id_names_its_service_and_what_it_does_once(built):
    ids = [op["operationId"] for _, op in operations(built)]
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    assert {i.split(".", 1)[0] for i in ids} == OWNERS
    by_operation = {name: op["operationId"] for name, op in operations(built)}
    assert by_operation["GET /api/v1/regions"] == "participants.listRegions"
    assert by_operation["POST /api/v1/tracks/{track_id}/masterplan/approve"] == "mentoring.approveMasterPlan"
    assert by_operation["GET /api/v1/events/{service}"] == "events.readFeed"
    assert by_operation["POST participant.status_changed"] == "participants.eventParticipantStatusChanged"


def test_every_operation_has_one_or_two_tags_each_declared_with_a_description(built):
    declared = [tag["name"] for tag in built["tags"]]
    assert len(declared) == len(set(declared))
    assert [tag["name"] for tag in built["tags"] if not tag.get("description", "").strip()] == []
    used = set()
    for name, op in operations(built):
        assert 1 <= len(op.get("tags", [])) <= 2, name
        used |= set(op["tags"])
    assert used == set(declared)


def test_component_names_are_letters_and_digits_and_every_reference_resolves(built):
    schemas = built["components"]["schemas"]
    assert [name for name in schemas if not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name)] == []
    # a generator names its classes after the title: no two alike
    titles = Counter(body.get("title") for body in schemas.values() if "title" in body)
    assert [t for t, n in titles.items() if n > 1] == []
    missing = {r for r in refs(built) if r.removeprefix("#/components/schemas/") not in schemas}
    assert missing == set()
    # one Problem for every service and the gateway: they all send the kit's
    assert [name for name in schemas if name.endswith("Problem")] == ["FieldProblem", "Problem"]
