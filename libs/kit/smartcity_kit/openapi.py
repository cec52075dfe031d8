"""The OpenAPI document says what the service really answers, with its problem codes, under names a generated
client can use.

FastAPI documents a 422 as `application/json` with its own `HTTPValidationError`
shape; the kit sends `application/problem+json` with the `Problem` shape for
every error. `document_problems` rewrites each operation so that a client (or a
fuzzer) reading the document expects exactly what comes back: each problem
response lists the codes it can carry in `x-problem-codes` (a list beside the
shared `Problem` schema, not an enum in it: a generated client would refuse a
code added later), and the document lists its problem types under
`x-problem-types`, which the gateway merges into `GET /api/v1/problem-types`.

An operation's id is its route function's name in camelCase (`operation_id`),
not FastAPI's default that spells the path and method again
(`list_regions_api_v1_regions_get`): a generated client names its methods after
it. The gateway's merge puts the service before it (`participants.listRegions`).
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi.routing import APIRoute

from .generic_problems import (
    CONTENT_TOO_LARGE,
    GENERIC,
    IDEMPOTENCY_KEY_IN_USE,
    IDEMPOTENCY_KEY_REUSED,
    INVALID_CURSOR,
    KIT,
    VALUE_NOT_STORABLE,
)
from .problems import HTTP_METHODS, PROBLEM_JSON, problem_response_doc
from .problemtypes import ProblemType, ProblemTypes
from .schemas import Problem

# what any operation can answer: a body that does not parse (400), no or a bad identity (401), a role that
# may not (403), an id that is not there or not the caller's (404), a request that is not valid (422), or that
# holds a value the database cannot take, such as a NUL in a query parameter (422)
EVERY_OPERATION: tuple[ProblemType, ...] = (
    *(GENERIC[status] for status in (400, 401, 403, 404, 422)),
    VALUE_NOT_STORABLE,
)
# what any POST can answer too: the same Idempotency-Key while the first request still runs (409), or again with
# another body (422)
EVERY_POST = (IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED)
# every POST takes one (smartcity_kit.idempotency): declared, so that a generated client can pass it
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "A key of the client's choosing that makes the POST safe to repeat: the same key with the same "
    "body within 24 hours gets the first answer again and changes nothing again; with another body 422 "
    "`idempotency-key-reused`; while the first request still runs 409 `idempotency-key-in-use`.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
# what any operation with a body can answer: a body past the bound of bodylimit.py, or of its own upload (413)
WITH_BODY = (CONTENT_TOO_LARGE,)
# what any paged list can answer: a cursor it did not give out (422)
PAGED = (INVALID_CURSOR,)
CURSOR_PARAMETERS = ("cursor", "after")
FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
LOCAL_DEFS = "#/$defs/"
COMPONENT_SCHEMAS = "#/components/schemas/"
COMPONENT_TEMPLATE = COMPONENT_SCHEMAS + "{model}"


def camel_case(name: str) -> str:
    """`list_regions` -> `listRegions`."""
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def operation_id(route: APIRoute) -> str:
    """The `generate_unique_id_function` of every app: the route function's name in camelCase."""
    return camel_case(route.name)


def hoist_local_defs(document: dict[str, Any]) -> dict[str, Any]:
    """A schema a route gives whole in `openapi_extra` (an upload form, say) keeps its nested models under its own
    `$defs`, which client generators do not resolve: they move to the components, and references with them.
    Two different schemas of one name are a mistake of the code: ValueError."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})

    def visit(node: Any) -> Any:
        if isinstance(node, list):
            return [visit(item) for item in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for key, value in node.items():
            if key == "$defs":
                for name, body in visit(value).items():
                    if schemas.setdefault(name, body) != body:
                        raise ValueError(f"two schemas named {name!r} in the OpenAPI document")
            elif key == "$ref" and isinstance(value, str) and value.startswith(LOCAL_DEFS):
                out[key] = COMPONENT_SCHEMAS + value.removeprefix(LOCAL_DEFS)
            else:
                out[key] = visit(value)
        return out

    document["paths"] = visit(document.get("paths", {}))
    return document


def _problems_of(method: str, operation: dict[str, Any]) -> list[ProblemType]:
    paged = any(p.get("in") == "query" and p.get("name") in CURSOR_PARAMETERS for p in operation.get("parameters", []))
    return [
        *EVERY_OPERATION,
        *(EVERY_POST if method == "post" else ()),
        *(WITH_BODY if "requestBody" in operation else ()),
        *(PAGED if paged else ()),
    ]


def _declare_idempotency_key(operation: dict[str, Any]) -> None:
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name", "").lower() == "idempotency-key" for p in parameters):
        parameters.append(copy.deepcopy(IDEMPOTENCY_KEY_PARAMETER))


def document_problems(schema: dict[str, Any], problems: ProblemTypes | None = None) -> dict[str, Any]:
    """Every operation's error statuses as `application/problem+json` `Problem` with their codes; FastAPI's 422
    shape is gone; the kit's problem types and the service's own (`problems`) under `x-problem-types`; every POST's
    `Idempotency-Key` header."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template=COMPONENT_TEMPLATE)
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            if method == "post":
                _declare_idempotency_key(operation)
            responses = operation.setdefault("responses", {})
            for problem in _problems_of(method, operation):
                current = responses.get(str(problem.status))
                if current is None or PROBLEM_JSON not in current.get("content", {}):
                    responses[str(problem.status)] = problem_response_doc(problem.status, [problem.code])
                else:
                    current["x-problem-codes"] = sorted({*current.get("x-problem-codes", []), problem.code})
    for name in FASTAPI_ERROR_SCHEMAS:
        schemas.pop(name, None)
    types = [*KIT, *(problems or [])]
    schema["x-problem-types"] = [p.describe() for p in sorted(types, key=lambda p: p.code)]
    return schema
