"""The access line: one JSON object per request, written straight to stdout.

Through structlog's processor chain the line cost a proxied request at the gateway about a tenth of its CPU
(bench/gateway_overhead.md); this writes the fields every log line has (event, level, timestamp, service,
request_id, and with tracing on trace_id and span_id) and the request's with one `orjson.dumps` and one `write`.
"""

from __future__ import annotations

import contextlib
import os
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

from . import tracing


def write_access_line(
    *,
    service: str,
    level: str,
    request_id: str,
    method: str,
    path: str,
    status: int,
    duration_ms: float,
    caller: str | None,
) -> None:
    fields: dict[str, Any] = {
        "event": "request",
        "level": level,
        "timestamp": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "service": service,
        "request_id": request_id,
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": duration_ms,
        "caller": caller,
    }
    if tracing.enabled():
        tracing.log_fields(None, "", fields)
    line = orjson.dumps(fields, option=orjson.OPT_APPEND_NEWLINE)
    # stdout closed or not a real file (e.g. captured by a test runner): the line is dropped
    with contextlib.suppress(OSError, ValueError):
        os.write(sys.stdout.fileno(), line)
