"""Following mentoring's feed: approved master plans become portfolios; mentor assignments say who verifies.

Every handler is idempotent (inserts keyed by the event's ids that do nothing
on a repeat, deletes of what may already be gone), so a replay, a crash
mid-batch or two replicas reading at once change nothing twice. A malformed
event is logged for a person and skipped: it must not stop the feed forever.
"""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa
import structlog
from pydantic import ValidationError
from smartcity_kit.outbox import Event, FeedConsumer
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..database import consumer_cursors
from .models import RegionMentor
from .service import ApprovedPlan, create_portfolio

log = structlog.get_logger("monitoring.feed")

FEED = "mentoring"


async def apply_mentoring_event(session: AsyncSession, event: Event) -> None:
    if event.type == "masterplan.approved":
        try:
            plan = ApprovedPlan.model_validate(event.data)
        except ValidationError as exc:
            log.error("masterplan.approved that cannot be read", event_id=event.id, errors=exc.errors()[:5])
            return
        if problems := plan.problems():
            log.error("masterplan.approved with unusable initiatives", event_id=event.id, problems=problems[:5])
            return
        await create_portfolio(session, plan)
    elif event.type in ("track.mentor_assigned", "track.mentor_removed"):
        await apply_assignment(session, event)


async def apply_assignment(session: AsyncSession, event: Event) -> None:
    data = event.data
    try:
        track_id, mentor_id = uuid.UUID(str(data["track_id"])), uuid.UUID(str(data["mentor_id"]))
        region_code = str(data["region_code"])
    except (KeyError, ValueError):
        log.error("mentor assignment event without track, mentor or region", event_id=event.id)
        return
    if event.type == "track.mentor_removed":
        await session.execute(
            sa.delete(RegionMentor).where(RegionMentor.track_id == track_id, RegionMentor.mentor_id == mentor_id)
        )
        return
    email = data.get("mentor_email")
    await session.execute(
        insert(RegionMentor)
        .values(
            track_id=track_id,
            mentor_id=mentor_id,
            region_code=region_code,
            mentor_email=email if isinstance(email, str) else None,
        )
        .on_conflict_do_nothing()
    )


def mentoring_consumer(
    *,
    mentoring_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    secret: str,
    interval: float = 0.5,
    batch: int = 100,
) -> FeedConsumer:
    return FeedConsumer(
        feed=FEED,
        url=mentoring_url.rstrip("/") + "/api/v1/events/mentoring",
        handler=apply_mentoring_event,
        sessionmaker=sessionmaker,
        cursors=consumer_cursors,
        client=client,
        secret=secret,
        me="monitoring",
        interval=interval,
        batch=batch,
    )
