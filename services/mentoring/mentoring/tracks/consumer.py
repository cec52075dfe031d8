"""Opening and closing tracks from the participants events feed.

The handler is idempotent: a track is opened by an insert that does nothing
when the participant already has one (unique participant_id), and withdrawing
touches only an active track. An event seen twice, a restart mid-batch or two
consumers at once therefore never open two tracks for one participant.
"""

from __future__ import annotations

import re
import uuid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
import structlog
from smartcity_kit.outbox import Event, FeedConsumer, Handler
from smartcity_vocabulary import ParticipantStatus, time_zone_of_region
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..database import consumer_cursors
from .service import open_track, withdraw_track

log = structlog.get_logger("mentoring.feed")

FEED = "participants"
REGION_CODE = re.compile(r"^\d{2}\.\d{2}$")


def _zone(name: object, region_code: str) -> str:
    if isinstance(name, str) and name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return time_zone_of_region(region_code)


async def apply_participant_event(session: AsyncSession, event: Event) -> None:
    if event.type != "participant.status_changed":
        return
    data = event.data
    to = data.get("to")
    if to not in (ParticipantStatus.MOU_SIGNED, ParticipantStatus.WITHDRAWN):
        return
    try:
        participant_id = uuid.UUID(str(data["participant_id"]))
    except (KeyError, ValueError):
        # a malformed event must not stop the feed forever; it is logged for a person to look at
        log.error("participant event without a participant id", event_id=event.id)
        return
    if to == ParticipantStatus.WITHDRAWN:
        await withdraw_track(session, participant_id)
        return
    region_code, phase_code = data.get("region_code"), data.get("phase_code")
    if not isinstance(region_code, str) or not REGION_CODE.match(region_code) or not isinstance(phase_code, str):
        log.error("mou_signed event without region or phase", event_id=event.id)
        return
    await open_track(
        session,
        participant_id=participant_id,
        region_code=region_code,
        phase_code=phase_code,
        time_zone=_zone(data.get("time_zone"), region_code),
    )


def participants_consumer(
    *,
    participants_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    secret: str,
    interval: float = 0.5,
    batch: int = 100,
    handler: Handler = apply_participant_event,
) -> FeedConsumer:
    return FeedConsumer(
        feed=FEED,
        url=participants_url.rstrip("/") + "/api/v1/events/participants",
        handler=handler,
        sessionmaker=sessionmaker,
        cursors=consumer_cursors,
        client=client,
        secret=secret,
        me="mentoring",
        interval=interval,
        batch=batch,
    )
