"""From the feeds to deliveries: each event becomes one delivery per active endpoint that wants it.

An endpoint wants an event when one of its patterns names the type (`*`,
`participant.*`, `mou.signed`) and its scope covers it: an endpoint with a
region gets only events whose `data.region_code` is that region; one without
gets every event (what partners may read). Deliveries are made in the
transaction that moves the feed's cursor (the kit's FeedConsumer), so an event
is fanned out exactly once however often it is read; the unique
(endpoint, message id) makes a replay do nothing. The same statement notifies
the dispatchers when it made a delivery (`dispatch/wakeups.py`: sent when the
transaction commits). With tracing on, a delivery keeps the context of the handling that made it, which links
to the change that recorded the event; each attempt's span links to it (`dispatch/dispatcher.py`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
import sqlalchemy as sa
from smartcity_kit import tracing
from smartcity_kit.outbox import Event, Handler
from sqlalchemy.ext.asyncio import AsyncSession

from ..dispatch.wakeups import CHANNEL

FAN_OUT = sa.text(
    f"""
    WITH made AS (
        INSERT INTO webhooks.deliveries (endpoint_id, message_id, event_type, body, occurred_at, traceparent)
        SELECT e.id, :message_id, :type, :body, :occurred_at, :traceparent
        FROM webhooks.endpoints e
        WHERE e.status = 'active'
          AND (e.region_code IS NULL OR e.region_code = :region_code)
          AND EXISTS (
            SELECT 1 FROM unnest(e.event_types) AS p
            WHERE p = '*' OR p = :type OR (p LIKE '%.*' AND starts_with(:type, left(p, -1)))
          )
        ORDER BY e.id
        ON CONFLICT (endpoint_id, message_id) DO NOTHING
        RETURNING 1
    )
    SELECT pg_notify('{CHANNEL}', '') WHERE EXISTS (SELECT FROM made)
    """
)


def message_id(feed: str, event_id: int) -> str:
    """`webhook-id`: the same for an event on every attempt and to every endpoint."""
    return f"evt_{feed}_{event_id}"


def body(type_: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    return orjson.dumps({"type": type_, "timestamp": occurred_at.isoformat(), "data": data}).decode()


def region_of(data: dict[str, Any]) -> str | None:
    code = data.get("region_code")
    return code if isinstance(code, str) else None


def handler_for(feed: str) -> Handler:
    async def fan_out(session: AsyncSession, event: Event) -> None:
        await session.execute(
            FAN_OUT,
            {
                "message_id": message_id(feed, event.id),
                "type": event.type,
                "body": body(event.type, event.occurred_at, event.data),
                "occurred_at": event.occurred_at,
                "region_code": region_of(event.data),
                # the handling of the event (linked to the change that recorded it), as an outbox row keeps its own
                "traceparent": tracing.current_traceparent(),
            },
        )

    return fan_out
