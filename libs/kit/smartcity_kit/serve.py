"""Run an app factory with uvicorn the same way in every process, graceful shutdown included.

On SIGTERM uvicorn closes the listening socket (no new requests), lets the
requests in flight finish for up to `shutdown_grace_seconds`, cancels what is
left, then runs the app's lifespan shutdown (feed consumers stop, pools close).
A consumer cancelled mid-batch rolls its transaction back: the events stay
unconsumed for the next replica.

Every process speaks HTTP/1.1 through the bounded protocol of `httpserver`
(header size and time, body pace) on uvloop, says nothing of its server software and
offers no WebSocket: an upgrade request is an ordinary HTTP request. uvicorn's own
access log is off (the kit writes one line per request) and so is its proxy-headers
layer, which would take each request's client address from `X-Forwarded-For`: no
service reads the address, and a process that does passes `proxy_headers=` (the
gateway resolves it itself, from the networks it trusts).
"""

from __future__ import annotations

from typing import Any, Protocol

import uvicorn

from .httpserver import HttpLimits, bounded_protocol


class Listens(Protocol):
    host: str
    port: int
    shutdown_grace_seconds: int
    max_header_bytes: int
    header_timeout: float
    body_idle_timeout: float
    min_body_rate: float


def http_limits(settings: Listens) -> HttpLimits:
    return HttpLimits(
        max_header_bytes=settings.max_header_bytes,
        header_timeout=settings.header_timeout,
        body_idle_timeout=settings.body_idle_timeout,
        min_body_rate=settings.min_body_rate,
    )


def serve(factory: str, settings: Listens, **options: Any) -> None:
    uvicorn.run(
        factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        http=bounded_protocol(http_limits(settings)),
        loop="uvloop",
        ws="none",
        server_header=False,
        **{"proxy_headers": False} | options,
    )
