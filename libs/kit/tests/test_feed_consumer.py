"""The feed consumer holds no transaction while it asks the other service, and never applies a batch twice."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import sqlalchemy as sa
from smartcity_kit.outbox import FeedConsumer

from .conftest import SECRET
from .test_conventions import all_visible

HOLDERS = sa.text(
    "SELECT state, backend_xid::text AS xid, query FROM pg_stat_activity"
    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    " AND (backend_xid IS NOT NULL OR state LIKE 'idle in transaction%')"
)


class DuringFetch(httpx.AsyncBaseTransport):
    """Serves the feed from the app, first running `step` while the consumer waits for the answer."""

    def __init__(self, app, step) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.step = step

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.step()
        return await self.inner.handle_async_request(request)


def consumer(kit_app, cursors, client, handler) -> FeedConsumer:
    return FeedConsumer(
        feed="kit",
        url="http://kit/api/v1/events/kit",
        handler=handler,
        sessionmaker=kit_app.state.sessionmaker,
        cursors=cursors,
        client=client,
        secret=SECRET,
        me="kit",
    )


async def post_notes(kit_client, as_role, n: int) -> None:
    for i in range(n):
        assert (await kit_client.post("/api/v1/notes", json={"text": f"n{i}"}, headers=as_role("operator"))).status_code
    await all_visible(kit_client, as_role, n)


async def test_no_transaction_is_open_while_the_feed_is_fetched(kit_app, kit_client, as_role, kit_cursors, kit_engine):
    await post_notes(kit_client, as_role, 3)
    seen: list[list] = []

    async def look() -> None:
        async with kit_engine.connect() as conn:
            seen.append([tuple(r) for r in (await conn.execute(HOLDERS)).all()])

    applied = []

    async def handler(session, event) -> None:
        applied.append(event.data["id"])

    async with httpx.AsyncClient(transport=DuringFetch(kit_app, look), base_url="http://kit") as client:
        c = consumer(kit_app, kit_cursors, client, handler)
        assert await c.run_once() == 3
        assert await c.run_once() == 0
    assert applied == [1, 2, 3]
    assert seen == [[], []]  # no backend of the database held a transaction (let alone an id) during either fetch


async def test_a_cursor_moved_during_the_fetch_leaves_the_batch(kit_app, kit_client, as_role, kit_cursors, kit_engine):
    """Had another consumer applied the batch meanwhile (a lock lost with its connection), it is not applied again."""
    await post_notes(kit_client, as_role, 2)

    async def another_consumer_moves_it() -> None:
        async with kit_engine.begin() as conn:
            await conn.execute(sa.update(kit_cursors).values(cursor="moved-by-another"))

    applied = []

    async def handler(session, event) -> None:
        applied.append(event.data["id"])

    async with httpx.AsyncClient(transport=DuringFetch(kit_app, another_consumer_moves_it), base_url="http://kit") as c:
        assert await consumer(kit_app, kit_cursors, c, handler).run_once() == 0
    assert applied == []
    async with kit_engine.connect() as conn:
        assert (await conn.execute(sa.select(kit_cursors.c.cursor))).scalar_one() == "moved-by-another"


async def test_the_turn_is_released_after_a_failed_fetch_and_a_cancelled_one(
    kit_app, kit_client, as_role, kit_cursors, kit_engine
):
    await post_notes(kit_client, as_role, 1)
    stuck = asyncio.Event()

    async def fail() -> None:
        raise httpx.ConnectError("the upstream is away")

    async def hang() -> None:
        stuck.set()
        await asyncio.sleep(3600)

    async def handler(session, event) -> None:
        return None

    async with httpx.AsyncClient(transport=DuringFetch(kit_app, fail), base_url="http://kit") as c:
        try:
            await consumer(kit_app, kit_cursors, c, handler).run_once()
            raise AssertionError("the fetch should have failed")
        except httpx.ConnectError:
            pass
    async with httpx.AsyncClient(transport=DuringFetch(kit_app, hang), base_url="http://kit") as c:
        task = asyncio.create_task(consumer(kit_app, kit_cursors, c, handler).run_once())
        await stuck.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=kit_app), base_url="http://kit") as c:
        assert await consumer(kit_app, kit_cursors, c, handler).run_once() == 1  # the lock was given back each time
    async with kit_engine.connect() as conn:
        locks = (
            await conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks JOIN pg_database d ON d.oid = database"
                    " WHERE locktype = 'advisory' AND d.datname = current_database()"
                )
            )
        ).scalar()
    assert locks == 0
