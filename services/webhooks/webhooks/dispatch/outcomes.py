"""What an attempt's outcome does to the delivery and to its endpoint: the retry rules.

A 2xx delivers. Anything else, no answer within the timeout, or a refused
connection is a failure: the delivery is tried again after the next step of
`WEBHOOKS_RETRY_SCHEDULE` (+- `WEBHOOKS_RETRY_JITTER`), or after the receiver's
Retry-After on 429 and 503, and has failed once the schedule is used up. A 410
disables the endpoint at once; an endpoint that has only failed for
`WEBHOOKS_DISABLE_AFTER` seconds (3 days) is disabled and says since when.
The outcomes of one batch are written in one transaction.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from ..deliveries.models import Attempt, Delivery, DeliveryStatus
from ..endpoints import service as endpoints
from ..endpoints.models import Endpoint
from ..settings import Settings
from .sender import Outcome


def next_wait(failures: int, outcome: Outcome, settings: Settings) -> float | None:
    """Seconds until the next attempt after the `failures`-th failure in a row; None: give up."""
    schedule = settings.schedule()
    if failures > len(schedule):
        return None
    if outcome.retry_after is not None:
        return min(outcome.retry_after, settings.max_retry_after)
    step = schedule[failures - 1]
    return step * random.uniform(1 - settings.retry_jitter, 1 + settings.retry_jitter)


async def record(
    session: AsyncSession,
    endpoint_id: uuid.UUID,
    failing_since: datetime | None,
    outcomes: Sequence[Outcome],
    seen: dict[int, tuple[int, datetime]],
    sender: uuid.UUID,
    settings: Settings,
) -> None:
    """Store the attempts and their effects, the endpoint's row locked (`failing_since` as read under the lock).

    `seen` is each delivery's failures in a row and `next_attempt_at` when it was taken: a delivery requeued by a
    subscriber while it was in flight has another `next_attempt_at` now and stays queued (its attempt is logged).
    """
    if not outcomes:
        return
    await session.execute(
        sa.insert(Attempt),
        [
            {
                "delivery_id": o.delivery_id,
                "attempted_at": o.attempted_at,
                "duration_ms": o.duration_ms,
                "status_code": o.status_code,
                "error": o.error,
                "response_body": o.response_body,
                "sender": sender,
            }
            for o in outcomes
        ],
    )
    changes = []
    for o in outcomes:
        change = {
            "b_id": o.delivery_id,
            "b_seen": seen[o.delivery_id][1],
            "last_attempt_at": o.attempted_at,
            "last_status_code": o.status_code,
            "last_error": o.error,
            "last_duration_ms": o.duration_ms,
        }
        if o.delivered:
            change |= {"status": DeliveryStatus.delivered, "delivered_at": o.attempted_at, "failures": 0}
            change["next_attempt_at"] = o.attempted_at
        else:
            failed = seen[o.delivery_id][0] + 1
            wait = None if o.gone else next_wait(failed, o, settings)
            change |= {"failures": failed, "delivered_at": None}
            if o.gone:  # stays pending: it goes out if the subscriber enables the endpoint again
                change |= {"status": DeliveryStatus.pending, "next_attempt_at": o.attempted_at}
            elif wait is None:
                change |= {"status": DeliveryStatus.failed, "next_attempt_at": o.attempted_at}
            else:
                change |= {"status": DeliveryStatus.pending}
                change["next_attempt_at"] = o.attempted_at + timedelta(seconds=wait)
        changes.append(change)
    t = cast(sa.Table, Delivery.__table__)
    # the same as when taken: the outcome decides; requeued meanwhile: only the attempt is counted
    unchanged = sa.and_(t.c.status == DeliveryStatus.pending, t.c.next_attempt_at == sa.bindparam("b_seen"))
    state = ("status", "failures", "next_attempt_at", "delivered_at")
    await session.execute(
        sa.update(t)
        .where(t.c.id == sa.bindparam("b_id"))
        .values(
            attempts=t.c.attempts + 1,
            **{k: sa.bindparam(k) for k in changes[0] if not k.startswith("b_") and k not in state},
            **{k: sa.case((unchanged, sa.bindparam(k, type_=t.c[k].type)), else_=t.c[k]) for k in state},
        ),
        changes,
    )
    last = outcomes[-1]
    if any(o.gone for o in outcomes):
        await disable(session, endpoint_id, "The receiver answered 410 Gone.")
        return
    since = None if last.delivered else failing_since or next(o for o in outcomes if not o.delivered).attempted_at
    if since != failing_since:
        e = cast(sa.Table, Endpoint.__table__)
        await session.execute(sa.update(e).where(e.c.id == endpoint_id).values(failing_since=since))
    if since is not None and (last.attempted_at - since).total_seconds() >= settings.disable_after:
        await disable(
            session, endpoint_id, f"Every delivery has failed since {since.isoformat()}; the last: {describe(last)}"
        )


async def disable(session: AsyncSession, endpoint_id: uuid.UUID, reason: str) -> None:
    endpoint = await session.get(Endpoint, endpoint_id, populate_existing=True)
    if endpoint is not None:
        await endpoints.disable(session, endpoint, reason)


def describe(outcome: Outcome) -> str:
    if outcome.status_code is not None:
        return f"HTTP {outcome.status_code}."
    return outcome.error or "no answer."
