"""The transactional outbox, its public feed, and a consumer of other services' feeds.

Events are rows written in the same transaction as the change. The feed orders
them by (transaction id, event id) and shows only events of transactions older
than every transaction still running, so a reader never skips an event that
commits late: it may see one twice (after a crash), never miss one.

With tracing on, each event keeps the trace context of the change that recorded
it (`traceparent`), and a consumer's handling of it links back to that change.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
import structlog
from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from . import tracing
from .catalogue import EventData
from .db import SessionDep, row_dicts
from .generic_problems import INVALID_CURSOR
from .identity import SERVICE, Caller, CallerDep, Role, require_roles, sign_identity
from .pagination import CursorQuery, decode_cursor, encode_cursor, invalid_cursor
from .problems import problem_responses

if TYPE_CHECKING:  # httpx costs a service that consumes no feed ~4 MiB of memory
    import httpx

log = structlog.get_logger("outbox")

_XID = sa.text("(pg_current_xact_id()::text::bigint)")
# each feed page says how many visible events follow it (up to BEHIND_CAP) and when the first of them occurred
BEHIND_HEADER, OLDEST_HEADER, BEHIND_CAP = "X-Feed-Behind", "X-Feed-Oldest-Behind", 10_000
_VISIBLE_BELOW = sa.text("(pg_snapshot_xmin(pg_current_snapshot())::text::bigint)")


# a region reads its feed through this index: its own events in feed order, without scanning every other region's
REGION_FEED_INDEX = "events_region_code_txid_id_idx"


def outbox_table(metadata: sa.MetaData) -> sa.Table:
    table = sa.Table(
        "events",
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("txid", sa.BigInteger, nullable=False, server_default=_XID),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("data", JSONB, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        # the W3C traceparent of the change that recorded it; null when tracing was off
        sa.Column("traceparent", sa.Text),
        sa.Index(None, "txid", "id"),
    )
    sa.Index(REGION_FEED_INDEX, table.c.data["region_code"].astext, table.c.txid, table.c.id)
    return table


def consumer_cursor_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "consumer_cursors",
        metadata,
        sa.Column("feed", sa.Text, primary_key=True),
        sa.Column("cursor", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


async def record_event(session: AsyncSession, table: sa.Table, type_: str, subject: str, data: dict[str, Any]) -> None:
    """Write one event in the caller's transaction; it leaves only if that commits. Services record through
    `record`, from the type's model; this raw form is for the kit's own tests."""
    traceparent = tracing.current_traceparent()
    await session.execute(sa.insert(table).values(type=type_, subject=subject, data=data, traceparent=traceparent))


async def record(session: AsyncSession, table: sa.Table, subject: str, data: EventData) -> None:
    """Write one event of `data`'s type in the caller's transaction."""
    await record_event(session, table, data.event_type, subject, data.payload())


async def record_many(session: AsyncSession, table: sa.Table, events: Sequence[tuple[str, EventData]]) -> None:
    """Write (subject, data) events in one statement, in the caller's transaction (a bulk change's events)."""
    if events:
        traceparent = tracing.current_traceparent()
        rows = [
            {"type": data.event_type, "subject": subject, "data": data.payload(), "traceparent": traceparent}
            for subject, data in events
        ]
        await session.execute(sa.insert(table).values(rows))


class Event(BaseModel):
    id: int
    type: str
    occurred_at: datetime
    subject: str
    data: dict[str, Any]
    traceparent: str | None = Field(
        None, description="The W3C trace context of the change that recorded the event, when it was traced."
    )


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None


def in_scope(table: sa.Table, caller: Caller) -> sa.ColumnElement[bool]:
    """The events `caller` reads: a region those whose `data.region_code` is its own, every other reader all."""
    visible = table.c.txid < _VISIBLE_BELOW
    if caller.role == Role.REGION:
        return sa.and_(visible, table.c.data["region_code"].astext == sa.literal(caller.region_code or ""))
    return visible


# who reads a feed: staff, partners, another service; a region too, narrowed to the events of its own region
FEED_READERS = require_roles(Role.ADMIN, Role.OPERATOR, Role.PARTNER, Role.REGION, services=True)


def events_router(service: str, table: sa.Table) -> APIRouter:
    router = APIRouter(tags=["events"])

    @router.get(
        "/api/v1/events/{service}",
        response_model=EventPage,
        summary=f"Read the {service} events feed",
        description="Events in commit order, from `after` (a page's `next_cursor`). A region reads only the events "
        "whose `data.region_code` is its own; staff, partners and services read every event.",
        responses=problem_responses(401, 403, 422, INVALID_CURSOR),
        dependencies=[FEED_READERS],
    )
    async def read_events(
        # the one value this service answers to, as an enum in the document; a Literal made at run time,
        # which only FastAPI reads (mypy cannot know the value)
        service: Literal[service],  # type: ignore[valid-type]
        session: SessionDep,
        caller: CallerDep,
        response: Response,
        after: CursorQuery = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> EventPage:
        scope = in_scope(table, caller)
        stmt = sa.select(table).where(scope)
        if after:
            txid, last_id = decode_cursor(after, 2, field="after")
            if not isinstance(txid, int) or not isinstance(last_id, int):
                raise invalid_cursor("after")
            stmt = stmt.where(
                sa.tuple_(table.c.txid, table.c.id)
                > sa.tuple_(sa.literal(txid, sa.BigInteger), sa.literal(last_id, sa.BigInteger))
            )
        rows = row_dicts(await session.execute(stmt.order_by(table.c.txid, table.c.id).limit(limit)))
        next_cursor = encode_cursor([rows[-1]["txid"], rows[-1]["id"]]) if rows else after
        # what is left after this page, for the consumer's lag metrics (counted up to BEHIND_CAP)
        rest = sa.select(table.c.occurred_at).where(scope)
        position = (rows[-1]["txid"], rows[-1]["id"]) if rows else ((txid, last_id) if after else None)
        if position is not None:
            rest = rest.where(
                sa.tuple_(table.c.txid, table.c.id)
                > sa.tuple_(sa.literal(position[0], sa.BigInteger), sa.literal(position[1], sa.BigInteger))
            )
        window = rest.order_by(table.c.txid, table.c.id).limit(BEHIND_CAP).subquery()
        behind, oldest = (await session.execute(sa.select(sa.func.count(), sa.func.min(window.c.occurred_at)))).one()
        response.headers[BEHIND_HEADER] = str(behind)
        if oldest is not None:
            response.headers[OLDEST_HEADER] = oldest.isoformat()
        # the rows straight into the page: one validation, no model built per event
        return EventPage.model_validate({"items": rows, "next_cursor": next_cursor})

    return router


Handler = Callable[[AsyncSession, Event], Awaitable[None]]


class FeedConsumer:
    """Reads another service's feed from a stored cursor and applies each event.

    No transaction is open while the other service is asked: a feed shows only
    events older than every running transaction of the cluster, so one held
    across a slow upstream would hide every service's new events. A batch goes
    in three steps:

    1. take this feed's turn with a session-level advisory lock on a connection
       outside any transaction (no transaction id, no snapshot), and read the
       cursor there;
    2. fetch the page over HTTP;
    3. in one short transaction, lock the cursor row, check it still holds the
       cursor the page was fetched from, apply every event and move the cursor.

    Replicas take turns on the lock; the check in step 3 keeps a batch from
    being applied twice even if a lock was lost with its connection. A crash
    anywhere leaves the cursor where it was, and the lock goes with the
    connection.
    """

    def __init__(
        self,
        *,
        feed: str,
        url: str,
        handler: Handler,
        sessionmaker: async_sessionmaker[AsyncSession],
        cursors: sa.Table,
        client: "httpx.AsyncClient",
        secret: str,
        me: str,
        interval: float = 0.5,
        batch: int = 100,
    ) -> None:
        self.feed, self.url, self.handler = feed, url, handler
        self.sessionmaker, self.cursors, self.client = sessionmaker, cursors, client
        self.secret, self.me, self.interval, self.batch = secret, me, interval, batch
        # as the producer said at the last poll (FeedCollector exports them): None until then
        self.behind: int | None = None
        self.oldest_behind_at: float | None = None
        self._row_made = False

    @property
    def lock_name(self) -> str:
        """Unique in the database: the cursor table (schema-qualified) and the feed."""
        return f"{self.cursors.fullname}:{self.feed}"

    async def run_once(self) -> int:
        """Apply one batch; returns how many events it applied (0: nothing new or another replica holds it)."""
        if not self._row_made:
            async with self.sessionmaker() as session:
                await session.execute(insert(self.cursors).values(feed=self.feed).on_conflict_do_nothing())
                await session.commit()
            self._row_made = True
        async with self.sessionmaker() as outside:
            conn = await outside.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            key = sa.func.hashtextextended(self.lock_name, 0)
            if not (await conn.execute(sa.select(sa.func.pg_try_advisory_lock(key)))).scalar():
                return 0
            try:
                cursor = (
                    await conn.execute(sa.select(self.cursors.c.cursor).where(self.cursors.c.feed == self.feed))
                ).scalar()
                page = await self._fetch(cursor)
                return await self._apply(cursor, page)
            finally:
                try:
                    await conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
                except BaseException:
                    # a connection that may still hold the lock never goes back to the pool
                    await conn.invalidate()
                    raise

    async def _fetch(self, cursor: str | None) -> EventPage:
        params: dict[str, Any] = {"limit": self.batch}
        if cursor:
            params["after"] = cursor
        token = sign_identity(Caller(subject=self.me, role=SERVICE), self.secret)
        response = await self.client.get(self.url, params=params, headers={"x-smartcity-identity": token})
        response.raise_for_status()
        page = EventPage.model_validate_json(response.content)
        self._note_position(response.headers)
        return page

    async def _apply(self, cursor: str | None, page: EventPage) -> int:
        """Apply the page and move the cursor in one transaction, if the cursor is still where it was read."""
        if not page.items and page.next_cursor == cursor:
            return 0  # nothing new: no transaction at all
        t = self.cursors
        with tracing.consuming(self.feed, len(page.items)):
            async with self.sessionmaker() as session:
                now = (
                    await session.execute(sa.select(t.c.cursor).where(t.c.feed == self.feed).with_for_update())
                ).scalar()
                if now != cursor:
                    log.warning("feed cursor moved under the consumer; batch left", feed=self.feed)
                    return 0
                for event in page.items:
                    with tracing.handling(event.type, event.id, event.traceparent):
                        await self.handler(session, event)
                if page.next_cursor != cursor:
                    await session.execute(
                        sa.update(t)
                        .where(t.c.feed == self.feed)
                        .values(cursor=page.next_cursor, updated_at=sa.func.now())
                    )
                await session.commit()
                return len(page.items)

    def _note_position(self, headers: "httpx.Headers") -> None:
        try:
            self.behind = int(headers[BEHIND_HEADER])
        except (KeyError, ValueError):
            return
        oldest = headers.get(OLDEST_HEADER)
        self.oldest_behind_at = datetime.fromisoformat(oldest).timestamp() if oldest else None

    async def run_forever(self) -> None:
        while True:
            try:
                applied = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the upstream or the database is away: try again later
                log.warning("feed consumer failed", feed=self.feed, error=repr(exc))
                applied = 0
            if applied < self.batch:
                await asyncio.sleep(self.interval)
