"""The OpenAPI document says what the service really answers: errors as problem+json.

FastAPI documents a 422 as `application/json` with its own `HTTPValidationError`
shape; the kit sends `application/problem+json` with the `Problem` shape for
every error. `document_problems` rewrites each operation so that a client (or a
fuzzer) reading the document expects exactly what comes back.
"""

from __future__ import annotations

from typing import Any

from .problems import HTTP_METHODS, PROBLEM_JSON, problem_responses
from .schemas import Problem

# what any operation can answer: a body that does not parse (400), no or a bad identity (401), a role that
# may not (403), an id that is not there or not the caller's (404), a request that is not valid (422)
EVERY_OPERATION = (400, 401, 403, 404, 422)
# what any POST can answer too: the same Idempotency-Key while the first request still runs (409)
EVERY_POST = (409,)
# what any operation with a body can answer: a body past the bound of bodylimit.py, or of its own upload (413)
WITH_BODY = (413,)
FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Every operation's error statuses as `application/problem+json` `Problem`; FastAPI's 422 shape is gone."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = Problem.model_json_schema()
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in HTTP_METHODS or not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            statuses = [
                *EVERY_OPERATION,
                *(EVERY_POST if method == "post" else ()),
                *(WITH_BODY if "requestBody" in operation else ()),
            ]
            for status, response in problem_responses(*statuses).items():
                current = responses.get(str(status))
                if current is None or PROBLEM_JSON not in current.get("content", {}):
                    responses[str(status)] = response
    for name in FASTAPI_ERROR_SCHEMAS:
        schemas.pop(name, None)
    return schema
