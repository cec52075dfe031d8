"""Reading every service's events feed (the kit's FeedConsumer: stored cursors, one replica per batch)."""

from __future__ import annotations

import asyncio

import httpx
import structlog
from smartcity_kit.outbox import FeedConsumer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from .database import consumer_cursors
from .deliveries.fanout import handler_for

log = structlog.get_logger("webhooks.feeds")
SERVICE = "webhooks"
# after a failed poll (the service away, a feed it does not have), the wait doubles up to this
MAX_BACKOFF = 30.0


def consumers(
    *,
    feeds: dict[str, str],
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    secret: str,
    interval: float,
    batch: int,
) -> list[FeedConsumer]:
    return [
        FeedConsumer(
            feed=name,
            url=f"{url}/api/v1/events/{name}",
            handler=handler_for(name),
            sessionmaker=sessionmaker,
            cursors=consumer_cursors,
            client=client,
            secret=secret,
            me=SERVICE,
            interval=interval,
            batch=batch,
        )
        for name, url in feeds.items()
    ]


async def follow(consumer: FeedConsumer) -> None:
    """Poll one feed for ever: at once while batches come full, every `interval` when idle, backing off on errors."""
    backoff = consumer.interval
    while True:
        try:
            applied = await consumer.run_once()
            backoff = consumer.interval
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("feed poll failed", feed=consumer.feed, error=repr(exc), retry_in=backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
            continue
        if applied < consumer.batch:
            await asyncio.sleep(consumer.interval)
