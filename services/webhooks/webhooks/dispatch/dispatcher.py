"""The dispatcher: each replica leases endpoints that have deliveries due and sends them, one task per endpoint.

Work is shared by endpoint, on the kit's outbox pattern (a row lock taken
with `FOR UPDATE SKIP LOCKED`, here held as a lease in the row so that no
transaction stays open across HTTP): a replica sets `lease_owner` and
`lease_until` on the endpoints it takes, renews them while it works, and
gives them back when nothing is due. So

- one endpoint is served by one replica at a time (two replicas never send
  the same delivery twice while both live), and in feed order unless it asked
  for unordered delivery (then up to `WEBHOOKS_UNORDERED_CONCURRENCY` at once);
- a slow or dead endpoint holds only its own task: every other endpoint has
  its own;
- a replica killed mid-batch leaves leases that run out after
  `WEBHOOKS_LEASE_SECONDS`; another replica (or the same one restarted) then
  sends what was not recorded as delivered: at least once, with the same
  `webhook-id`.

A replica looks for due endpoints when woken (`wakeups.py`: a transaction
that made deliveries committed) and every `WEBHOOKS_DISPATCH_INTERVAL`
(retries falling due, a lost notification). An endpoint's task records a
batch's outcomes and reads its next batch in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

import aiohttp
import sqlalchemy as sa
import structlog
from smartcity_kit import tracing
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..deliveries.models import Delivery, DeliveryStatus
from ..endpoints import secrets
from ..endpoints.models import EndpointStatus
from ..settings import Settings
from . import outcomes, signing
from .sender import Outcome, attempt

log = structlog.get_logger("webhooks.dispatch")

BATCH = 50
# a batch stops taking more after this long, so that the log and the lease keep up with a slow receiver
BATCH_SECONDS = 1.0

DUE = sa.text(
    """
    CASE WHEN e.ordered THEN (
        SELECT d.next_attempt_at FROM webhooks.deliveries d
        WHERE d.endpoint_id = e.id AND d.status = 'pending' ORDER BY d.id LIMIT 1
    ) <= clock_timestamp()
    ELSE EXISTS (
        SELECT 1 FROM webhooks.deliveries d
        WHERE d.endpoint_id = e.id AND d.status = 'pending' AND d.next_attempt_at <= clock_timestamp()
    ) END
    """
)
CLAIM = sa.text(
    f"""
    UPDATE webhooks.endpoints SET lease_owner = :me, lease_until = clock_timestamp() + make_interval(secs => :lease)
    WHERE id IN (
        SELECT e.id FROM webhooks.endpoints e
        WHERE e.status = 'active' AND (e.lease_until IS NULL OR e.lease_until < clock_timestamp())
          AND NOT (e.id = ANY(:mine)) AND {DUE.text}
        ORDER BY e.lease_until NULLS FIRST
        LIMIT :n
        FOR UPDATE SKIP LOCKED
    )
    RETURNING id
    """
)
RENEW = sa.text(
    """
    UPDATE webhooks.endpoints SET lease_until = clock_timestamp() + make_interval(secs => :lease)
    WHERE id = ANY(:mine) AND lease_owner = :me RETURNING id
    """
)
LOCKED = sa.text("SELECT failing_since FROM webhooks.endpoints WHERE id = :id FOR UPDATE")
# the endpoint and the secrets that sign now, newest first
ENDPOINT = sa.text(
    """
    SELECT e.status, e.url, e.ordered, ARRAY(
        SELECT s.sealed FROM webhooks.endpoint_secrets s
        WHERE s.endpoint_id = e.id AND (s.expires_at IS NULL OR s.expires_at > clock_timestamp())
        ORDER BY s.id DESC
    ) AS sealed
    FROM webhooks.endpoints e WHERE e.id = :id
    """
)
RELEASE = sa.text(
    "UPDATE webhooks.endpoints SET lease_owner = NULL, lease_until = NULL WHERE id = :id AND lease_owner = :me"
)


# what a batch sends of a delivery
Due = sa.Row[tuple[int, str, str, str, str | None, int, datetime, datetime]]
DUE_COLUMNS = (
    Delivery.id,
    Delivery.message_id,
    Delivery.event_type,
    Delivery.body,
    Delivery.traceparent,
    Delivery.failures,
    Delivery.next_attempt_at,
    # what is due is decided by the database's clock, as the claim decided it
    sa.func.statement_timestamp().label("now"),
)


@dataclass(frozen=True, slots=True)
class Batch:
    url: str
    ordered: bool
    keys: list[bytes]
    due: list[Due]


@dataclass(frozen=True, slots=True)
class Sent:
    outcomes: list[Outcome]
    # each delivery's failures in a row and next_attempt_at when it was read (see outcomes.record)
    seen: dict[int, tuple[int, datetime]]
    # go on with the next batch: everything delivered, or an unordered endpoint
    go_on: bool


class Dispatcher:
    def __init__(
        self, *, sessionmaker: async_sessionmaker[AsyncSession], client: aiohttp.ClientSession, settings: Settings
    ) -> None:
        self.sessionmaker, self.client, self.settings = sessionmaker, client, settings
        self.me = uuid.uuid4()
        self.tasks: dict[uuid.UUID, asyncio.Task[None]] = {}
        self.renewed_at = time.monotonic()
        self.woken = asyncio.Event()
        # how many wake-ups so far: an endpoint's task that saw one arrive after its last look has it looked again
        self.wakes = 0

    def wake(self) -> None:
        """Deliveries were made: look for due endpoints now rather than at the next interval."""
        self.wakes += 1
        self.woken.set()

    async def run_forever(self) -> None:
        try:
            while True:
                try:
                    await self.renew()
                    await self.claim_and_start()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # the database is away: try again later
                    log.warning("dispatcher loop failed", error=repr(exc))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.woken.wait(), self.settings.dispatch_interval)
                self.woken.clear()
        finally:
            for task in self.tasks.values():
                task.cancel()
            if self.tasks:  # bounded, as the service's shutdown is
                await asyncio.wait(list(self.tasks.values()), timeout=5)

    async def claim_and_start(self) -> None:
        free = self.settings.max_endpoints - len(self.tasks)
        if free <= 0:
            return
        async with self.sessionmaker() as session:
            rows = await session.execute(
                CLAIM, {"me": self.me, "lease": self.settings.lease_seconds, "mine": list(self.tasks), "n": free}
            )
            claimed = [r.id for r in rows]
            await session.commit()
        for endpoint_id in claimed:
            self.tasks[endpoint_id] = asyncio.create_task(self.serve(endpoint_id), name=f"webhooks-{endpoint_id}")

    async def renew(self) -> None:
        if not self.tasks or time.monotonic() - self.renewed_at < self.settings.lease_seconds / 3:
            return
        mine = list(self.tasks)
        async with self.sessionmaker() as session:
            kept = {
                r.id
                for r in await session.execute(
                    RENEW, {"me": self.me, "lease": self.settings.lease_seconds, "mine": mine}
                )
            }
            await session.commit()
        self.renewed_at = time.monotonic()
        for endpoint_id in set(mine) - kept:  # deleted, or taken over after this replica stalled
            if (task := self.tasks.get(endpoint_id)) is not None:  # (or finished meanwhile)
                task.cancel()

    async def serve(self, endpoint_id: uuid.UUID) -> None:
        """Send the endpoint's due deliveries, batch after batch, until none is due; then give the lease back."""
        looked = self.wakes
        try:
            sent: Sent | None = None
            while True:
                looked = self.wakes
                batch = await self.turn(endpoint_id, sent)
                if batch is None:
                    break
                sent = await self.send_batch(batch)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("endpoint batch failed", endpoint_id=str(endpoint_id), error=repr(exc))
        finally:
            self.tasks.pop(endpoint_id, None)
            with contextlib.suppress(Exception):
                async with self.sessionmaker() as session:
                    await session.execute(RELEASE, {"id": endpoint_id, "me": self.me})
                    await session.commit()
            if self.wakes != looked:  # deliveries made since the last look may be this endpoint's: look again
                self.woken.set()

    async def turn(self, endpoint_id: uuid.UUID, sent: Sent | None) -> Batch | None:
        """In one transaction, record what was sent and read the next batch; None: nothing (more) to send now."""
        async with self.sessionmaker() as session:
            if sent is not None and sent.outcomes:
                locked = (await session.execute(LOCKED, {"id": endpoint_id})).one_or_none()
                if locked is None:
                    return None
                await outcomes.record(
                    session, endpoint_id, locked.failing_since, sent.outcomes, sent.seen, self.me, self.settings
                )
                if not sent.go_on:
                    await session.commit()
                    return None
            endpoint = (await session.execute(ENDPOINT, {"id": endpoint_id})).one_or_none()
            if endpoint is None or endpoint.status != EndpointStatus.active:
                await session.commit()
                return None
            stmt = sa.select(*DUE_COLUMNS).where(
                Delivery.endpoint_id == endpoint_id, Delivery.status == DeliveryStatus.pending
            )
            if not endpoint.ordered:
                stmt = stmt.where(Delivery.next_attempt_at <= sa.func.clock_timestamp())
            due = list((await session.execute(stmt.order_by(Delivery.id).limit(BATCH))).all())
            await session.commit()  # no transaction stays open while the receiver is called
        if not due or (endpoint.ordered and due[0].next_attempt_at > due[0].now):
            return None
        keys = [secrets.unseal(self.settings.key(), endpoint_id, sealed) for sealed in endpoint.sealed]
        return Batch(url=endpoint.url, ordered=endpoint.ordered, keys=keys, due=due)

    async def send_batch(self, batch: Batch) -> Sent:
        seen = {d.id: (d.failures, d.next_attempt_at) for d in batch.due}
        if batch.ordered:
            results = await self.in_order(batch.url, batch.keys, batch.due)
            return Sent(results, seen, go_on=all(r.delivered for r in results))
        return Sent(await self.at_once(batch.url, batch.keys, batch.due), seen, go_on=True)

    async def send(self, url: str, keys: list[bytes], delivery: Due) -> Outcome:
        headers = signing.headers(keys, delivery.message_id, int(time.time()), delivery.body)
        # with tracing on, a span of its own linked to the fan-out that made the delivery; the receiver gets no
        # trace context of ours
        attributes = {
            "messaging.system": "webhooks",
            "messaging.operation.type": "send",
            "messaging.message.id": delivery.message_id,
            "webhooks.delivery.id": delivery.id,
            "webhooks.delivery.failures": delivery.failures,
        }
        with tracing.sending(f"send {delivery.event_type}", attributes, delivery.traceparent):
            outcome = await attempt(
                self.client,
                delivery_id=delivery.id,
                url=url,
                headers=headers,
                body=delivery.body,
                allowed=self.settings.networks(),
                development=self.settings.development,
                timeout=self.settings.delivery_timeout,
            )
            tracing.annotate(
                **{"http.response.status_code": outcome.status_code, "webhooks.attempt.error": outcome.error}
            )
        return outcome

    async def in_order(self, url: str, keys: list[bytes], due: list[Due]) -> list[Outcome]:
        """Oldest first, one at a time, stopping at the first not yet due or not delivered."""
        results: list[Outcome] = []
        started = time.monotonic()
        for delivery in due:
            if delivery.next_attempt_at > delivery.now or time.monotonic() - started > BATCH_SECONDS:
                break
            outcome = await self.send(url, keys, delivery)
            results.append(outcome)
            if not outcome.delivered:
                break
        return results

    async def at_once(self, url: str, keys: list[bytes], due: list[Due]) -> list[Outcome]:
        limit = asyncio.Semaphore(self.settings.unordered_concurrency)

        async def one(delivery: Due) -> Outcome:
            async with limit:
                return await self.send(url, keys, delivery)

        return list(await asyncio.gather(*(one(d) for d in due)))
