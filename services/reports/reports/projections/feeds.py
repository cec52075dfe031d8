"""The feeds the projections are kept from, one stored cursor each, and how an event is applied.

Every handler leaves a row in the state the event describes (an upsert keyed
by the thing's id, or an update of it), so an event seen twice, a restart in
the middle of a batch or two replicas at once give the same tables. Feeds are
independent: no handler needs another feed's rows to exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx
import structlog
from pydantic import ValidationError
from smartcity_kit.outbox import Event, FeedConsumer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..database import consumer_cursors
from ..settings import Settings
from . import documents, mentoring, mentoring_work, monitoring, participants

log = structlog.get_logger("reports.feed")

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


@dataclass(frozen=True)
class Feed:
    name: str  # the service whose feed it is, and the cursor's key
    handlers: Mapping[str, Handler]

    def url(self, settings: Settings) -> str:
        base = getattr(settings, f"{self.name}_url")
        return base.rstrip("/") + f"/api/v1/events/{self.name}" if base else ""

    async def apply(self, session: AsyncSession, event: Event) -> None:
        handler = self.handlers.get(event.type)
        if handler is None:
            return  # an event no report needs
        try:
            await handler(session, event)
        except (ValidationError, ValueError) as exc:
            # checked before anything is written: a malformed event must not stop the feed forever
            log.error("event not applied", feed=self.name, event_id=event.id, type=event.type, error=str(exc)[:500])


FEEDS = (
    Feed("participants", participants.HANDLERS),
    Feed("mentoring", {**mentoring.HANDLERS, **mentoring_work.HANDLERS}),
    Feed("documents", documents.HANDLERS),
    Feed("monitoring", monitoring.HANDLERS),
)


def consumers(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession], client: httpx.AsyncClient
) -> list[FeedConsumer]:
    """A consumer per feed whose service has a URL."""
    return [
        FeedConsumer(
            feed=feed.name,
            url=feed.url(settings),
            handler=feed.apply,
            sessionmaker=sessionmaker,
            cursors=consumer_cursors,
            client=client,
            secret=settings.internal_secret,
            me="reports",
            interval=settings.feed_interval,
            batch=settings.feed_batch,
        )
        for feed in FEEDS
        if feed.url(settings)
    ]
