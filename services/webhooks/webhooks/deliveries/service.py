"""The delivery log and what a subscriber may do with it: a test event, redelivering one or many."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from smartcity_kit import tracing
from smartcity_kit.identity import Caller
from smartcity_kit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from ..dispatch.wakeups import notify
from ..endpoints.models import Endpoint
from .fanout import body
from .models import Attempt, Delivery, DeliveryStatus
from .schemas import AttemptOut, DeliveryDetail, DeliveryOut

TEST_EVENT = "webhook.test"
REQUEUE = {
    "status": DeliveryStatus.pending,
    "failures": 0,
    "next_attempt_at": sa.func.clock_timestamp(),
    "delivered_at": None,
}


def delivery_out(d: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=d.id,
        endpoint_id=d.endpoint_id,
        message_id=d.message_id,
        event_type=d.event_type,
        status=DeliveryStatus(d.status),
        attempts=d.attempts,
        last_status_code=d.last_status_code,
        last_error=d.last_error,
        last_duration_ms=d.last_duration_ms,
        last_attempt_at=d.last_attempt_at,
        next_attempt_at=d.next_attempt_at if d.status == DeliveryStatus.pending else None,
        delivered_at=d.delivered_at,
        created_at=d.created_at,
    )


async def delivery_or_404(session: AsyncSession, endpoint: Endpoint, delivery_id: int) -> Delivery:
    stmt = sa.select(Delivery).where(Delivery.id == delivery_id, Delivery.endpoint_id == endpoint.id)
    delivery = (await session.execute(stmt)).scalar()
    if delivery is None:
        raise NotFound(
            "No delivery {delivery_id} to webhook endpoint {endpoint_id}.",
            delivery_id=delivery_id,
            endpoint_id=endpoint.id,
        )
    return delivery


async def detail(session: AsyncSession, delivery: Delivery) -> DeliveryDetail:
    attempts = await session.execute(sa.select(Attempt).where(Attempt.delivery_id == delivery.id).order_by(Attempt.id))
    return DeliveryDetail(
        **delivery_out(delivery).model_dump(),
        body=delivery.body,
        attempt_log=[
            AttemptOut(
                attempted_at=a.attempted_at,
                duration_ms=a.duration_ms,
                status_code=a.status_code,
                error=a.error,
                response_body=a.response_body,
            )
            for a in attempts.scalars()
        ],
    )


async def send_test(session: AsyncSession, endpoint: Endpoint, caller: Caller) -> Delivery:
    """A `webhook.test` event to this endpoint only, queued like any other (after what is pending, if ordered)."""
    now = datetime.now(UTC)
    data = {"endpoint_id": str(endpoint.id), "requested_by": caller.actor}
    delivery = Delivery(
        endpoint_id=endpoint.id,
        message_id=f"evt_test_{uuid.uuid4().hex}",
        event_type=TEST_EVENT,
        body=body(TEST_EVENT, now, data),
        occurred_at=now,
        traceparent=tracing.current_traceparent(),
    )
    session.add(delivery)
    await session.flush()
    await session.refresh(delivery)
    await notify(session)
    return delivery


async def redeliver(session: AsyncSession, delivery: Delivery) -> Delivery:
    for field, value in REQUEUE.items():
        setattr(delivery, field, value)
    await session.flush()
    await session.refresh(delivery)
    await notify(session)
    return delivery


async def redeliver_since(session: AsyncSession, endpoint: Endpoint, since: datetime) -> int:
    result = await session.execute(
        sa.update(Delivery)
        .where(Delivery.endpoint_id == endpoint.id, Delivery.created_at >= since)
        .values(**REQUEUE)
        .returning(Delivery.id)
    )
    await notify(session)
    return len(result.all())
