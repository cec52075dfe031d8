"""Run an app factory with uvicorn the same way in every process, graceful shutdown included.

On SIGTERM uvicorn closes the listening socket (no new requests), lets the
requests in flight finish for up to `shutdown_grace_seconds`, cancels what is
left, then runs the app's lifespan shutdown (feed consumers stop, pools close).
A consumer cancelled mid-batch rolls its transaction back: the events stay
unconsumed for the next replica.
"""

from __future__ import annotations

from typing import Any, Protocol

import uvicorn


class Listens(Protocol):
    host: str
    port: int
    shutdown_grace_seconds: int


def serve(factory: str, settings: Listens, **options: Any) -> None:
    uvicorn.run(
        factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        **options,
    )
