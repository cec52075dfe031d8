"""JSON logs through structlog, with the request id of the current request in every line (and, when tracing is
on, the trace and span it was written in).

Our own lines go from structlog straight to stdout as orjson bytes, filtered by level before any work: no
`logging.LogRecord`, handler or formatter per line, which cost a cheap read a good share of its CPU
(bench/hot_reads.md). The libraries' lines (uvicorn, SQLAlchemy) still come through `logging`, rendered by the
same processors into the same JSON shape."""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

import orjson
import structlog
from structlog.typing import EventDict, Processor

from . import tracing

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def _add_request_id(_: object, __: str, event_dict: EventDict) -> EventDict:
    rid = request_id_var.get()
    if rid is not None:
        event_dict.setdefault("request_id", rid)
    return event_dict


def configure_logging(service: str, level: str = "INFO") -> None:
    """Every line, ours and the libraries', is one JSON object on stdout. Sets up tracing first, if the
    environment asks for it (`tracing.configure`): each process calls this once, before anything else."""
    traced = tracing.configure(service)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_request_id,
        lambda _, __, ev: {**ev, "service": service},
    ]
    if traced:
        shared.append(tracing.log_fields)
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, structlog.processors.JSONRenderer(orjson.dumps)],
        logger_factory=structlog.BytesLoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    # uvicorn's own access log is replaced by ours (with request id and caller)
    logging.getLogger("uvicorn.access").handlers = []
    logging.getLogger("uvicorn.access").propagate = False
    # httpx logs every request at INFO; the feed consumers poll twice a second, so only its warnings
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
