"""What schemathesis loads through SCHEMATHESIS_HOOKS for tests/test_fuzz.py: a check and a hook.

The check: every problem carries a `code` that the operation documents for that status (`x-problem-codes` of the
response), and its `type` is the code's URI.

Each code seen is appended to the file FUZZ_PROBLEM_CODES_SEEN names (one `code status operation` a line), so the
test can say which documented codes the run reached.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import schemathesis


def _header(response: Any, name: str) -> str:
    return next((values[0] for key, values in response.headers.items() if key.lower() == name and values), "")


@schemathesis.check
def problem_code_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    if not _header(response, "content-type").startswith("application/problem+json"):
        return None
    if case.method.upper() == "HEAD":  # a HEAD answer has the GET's headers and no body
        return None
    body = response.json()
    documented = case.operation.definition.raw.get("responses", {}).get(str(response.status_code))
    if documented is None:
        return None  # an undocumented status: status_code_conformance says so
    codes = documented.get("x-problem-codes", [])
    code = body.get("code") if isinstance(body, dict) else None
    if code not in codes:
        raise AssertionError(
            f"{case.operation.label} answered {response.status_code} with code {code!r}, "
            f"which it does not document for that status ({', '.join(codes) or 'none'})"
        )
    if not str(body.get("type", "")).endswith("/" + code):
        raise AssertionError(f"type {body.get('type')!r} is not the URI of the code {code!r}")
    seen = os.environ.get("FUZZ_PROBLEM_CODES_SEEN")
    if seen:
        with open(seen, "a") as file:
            file.write(f"{code} {response.status_code} {case.operation.label}\n")
    return True


@schemathesis.hook
def before_call(ctx: Any, case: Any, **kwargs: Any) -> None:
    """The hook: a valid Idempotency-Key on a request is made unique before it is sent. The fuzzer draws the same
    short keys again and again, and the API rightly answers a key used before with another body 422
    `idempotency-key-reused`, which would read as valid data refused; a key the schema does not allow (empty, too
    long) is kept, so the refusal of one is still fuzzed."""
    headers = case.headers or {}
    for name, value in headers.items():
        if name.lower() == "idempotency-key" and isinstance(value, str) and 1 <= len(value) <= 255:
            headers[name] = f"fuzz-{uuid.uuid4().hex}"
