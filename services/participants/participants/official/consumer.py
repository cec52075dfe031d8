"""Following monitoring: `official_index.published` keeps each region's published official indices here.

An upsert keyed by (region, index, year) that keeps the later publication: a
replay, a crash mid-batch or two replicas leave the same row.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from pydantic import BaseModel, Field, ValidationError
from smartcity_kit.outbox import Event, FeedConsumer
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..database import consumer_cursors
from .models import INDICES, PublishedIndex

if TYPE_CHECKING:
    import httpx

log = structlog.get_logger("participants.official")

FEED = "monitoring"


class Published(BaseModel):
    index: str
    year: int
    region_code: str = Field(pattern=r"^\d{2}\.\d{2}$")
    value: float = Field(ge=0, le=100)
    organization: str
    published_at: datetime


async def apply_monitoring_event(session: AsyncSession, event: Event) -> None:
    if event.type != "official_index.published":
        return
    try:
        data = Published.model_validate(event.data)
    except ValidationError:
        log.error("official_index.published that cannot be read", event_id=event.id)
        return
    if data.index not in INDICES:
        log.error("official_index.published of an unknown index", event_id=event.id, index=data.index)
        return
    stmt = insert(PublishedIndex).values(**data.model_dump())
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[PublishedIndex.region_code, PublishedIndex.index, PublishedIndex.year],
            set_={
                "value": stmt.excluded.value,
                "organization": stmt.excluded.organization,
                "published_at": stmt.excluded.published_at,
            },
            where=PublishedIndex.published_at <= stmt.excluded.published_at,
        )
    )


def monitoring_consumer(
    *,
    monitoring_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    secret: str,
    interval: float = 0.5,
    batch: int = 100,
) -> FeedConsumer:
    return FeedConsumer(
        feed=FEED,
        url=monitoring_url.rstrip("/") + "/api/v1/events/monitoring",
        handler=apply_monitoring_event,
        sessionmaker=sessionmaker,
        cursors=consumer_cursors,
        client=client,
        secret=secret,
        me="participants",
        interval=interval,
        batch=batch,
    )
