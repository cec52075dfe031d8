"""Following mentoring: its events feed moves participants to `mentoring` and `completed`.

`track.opened` moves `mou_signed` -> `mentoring`, `track.completed` moves
`mentoring` -> `completed`. The handler moves a participant only from the
status the event expects, under a row lock, so an event seen twice (a replay, a
crash mid-batch, two replicas) changes nothing the second time.
"""

from __future__ import annotations

import uuid

import httpx
import sqlalchemy as sa
import structlog
from smartcity_kit.outbox import Event, FeedConsumer
from smartcity_vocabulary import ParticipantStatus
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..database import consumer_cursors
from .flow import change_status
from .models import Participant

log = structlog.get_logger("participants.feed")

FEED = "mentoring"
ACTOR = "service:mentoring"
# event type -> (the status it expects, the status it leads to)
MOVES = {
    "track.opened": (ParticipantStatus.MOU_SIGNED, ParticipantStatus.MENTORING),
    "track.completed": (ParticipantStatus.MENTORING, ParticipantStatus.COMPLETED),
}


async def apply_mentoring_event(session: AsyncSession, event: Event) -> None:
    move = MOVES.get(event.type)
    if move is None:
        return
    expected, to = move
    try:
        participant_id = uuid.UUID(str(event.data["participant_id"]))
    except (KeyError, ValueError):
        # a malformed event must not stop the feed forever; it is logged for a person to look at
        log.error("mentoring event without a participant id", event_id=event.id, type=event.type)
        return
    stmt = (
        sa.select(Participant)
        .where(Participant.id == participant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    participant = (await session.execute(stmt)).scalar()
    if participant is None or participant.status != expected:
        if participant is None or participant.status != to:
            log.info(
                "mentoring event does not apply",
                event_id=event.id,
                type=event.type,
                status=getattr(participant, "status", None),
            )
        return
    track = event.data.get("track_id")
    reason = f"Mentoring track {track} {'opened' if to == ParticipantStatus.MENTORING else 'completed'}."
    await change_status(session, participant, to, ACTOR, reason, track_id=track)


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
        me="participants",
        interval=interval,
        batch=batch,
    )
