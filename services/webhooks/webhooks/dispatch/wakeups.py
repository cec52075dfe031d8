"""Waking the dispatchers when deliveries are made, in every replica: PostgreSQL's NOTIFY and LISTEN.

A transaction that makes or requeues deliveries notifies `webhooks_due`;
PostgreSQL sends the notification when (and only if) it commits, to every
connection listening, so each replica's dispatcher looks for due endpoints
at once instead of at its next `WEBHOOKS_DISPATCH_INTERVAL`. Notifications
of one transaction are folded into one. The interval stays as the fallback:
a replica whose listening connection is lost polls, and reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import asyncpg
import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

log = structlog.get_logger("webhooks.dispatch")

CHANNEL = "webhooks_due"
NOTIFY = sa.text(f"NOTIFY {CHANNEL}")
# seconds between checks that the listening connection still answers; the longest wait before reconnecting
CHECK_SECONDS = 30.0
MAX_BACKOFF = 30.0


async def notify(session: AsyncSession) -> None:
    """Wake every replica's dispatcher when the session's transaction commits."""
    await session.execute(NOTIFY)


def plain_dsn(url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://` as asyncpg's own DSN."""
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def listen(database_url: str, wake: Callable[[], None]) -> None:
    """Call `wake` on every notification, for ever, on a connection of its own (reconnecting when it is lost)."""
    backoff = 1.0
    while True:
        try:
            connection = await asyncpg.connect(plain_dsn(database_url), timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            log.warning("cannot listen for deliveries; polling", error=repr(exc), retry_in=backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        backoff = 1.0
        try:
            await listen_on(connection, wake)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
            log.warning("listening for deliveries failed; reconnecting", error=repr(exc))
        finally:
            connection.terminate()
        await asyncio.sleep(backoff)


async def listen_on(connection: asyncpg.Connection, wake: Callable[[], None]) -> None:
    """Until the connection is lost or stops answering."""
    lost = asyncio.Event()
    connection.add_termination_listener(lambda _: lost.set())
    await connection.add_listener(CHANNEL, lambda *_: wake())
    wake()  # what was made while nobody listened
    while not lost.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(lost.wait(), CHECK_SECONDS)
        if not lost.is_set():
            await connection.fetchval("SELECT 1", timeout=5)
