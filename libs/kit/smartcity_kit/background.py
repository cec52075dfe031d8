"""A service's background tasks (feed consumers, dispatchers, listeners) stopped at shutdown, in bounded time."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

log = structlog.get_logger("background")
# a task stuck in a call that ignores its cancellation must not hold the shutdown for ever
STOP_SECONDS = 10.0


async def stop(tasks: Sequence[asyncio.Task[None]], seconds: float = STOP_SECONDS) -> None:
    """Cancel `tasks` and wait for them at most `seconds`, logging those that did not stop."""
    for task in tasks:
        task.cancel()
    if tasks and (stuck := (await asyncio.wait(tasks, timeout=seconds))[1]):
        log.warning("background tasks did not stop in time", tasks=sorted(t.get_name() for t in stuck))
