"""Reads run each statement on its own, without BEGIN and COMMIT (bench/hot_reads.md), and a statement asyncpg
refuses half-sent does not leave its connection in the pool holding the locks of an unfinished transaction."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from smartcity_kit.db import SessionDep, create_engine, make_sessionmaker
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import build_app
from .test_conventions import all_visible

LOCKS_ON_NOTES = sa.text(
    "SELECT count(*) FROM pg_locks WHERE relation = 'kit_test.notes'::regclass AND pid <> pg_backend_pid()"
)


@pytest.fixture
async def own_pool(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of the test's own: a connection left mid-statement must not reach the other tests' pool."""
    engine = create_engine(database_url, pool_size=2, max_overflow=0)
    yield engine
    await engine.dispose()


@pytest.fixture
async def client(own_pool: AsyncEngine, kit_engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app()
    app.state.engine = own_pool
    app.state.sessionmaker = make_sessionmaker(own_pool)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
        yield client


async def test_a_read_runs_outside_a_transaction_and_a_write_inside_one(own_pool: AsyncEngine, as_role):
    app = build_app()
    app.state.engine = own_pool
    app.state.sessionmaker = make_sessionmaker(own_pool)

    @app.api_route("/api/v1/in-transaction", methods=["GET", "POST"])
    async def in_transaction(session: SessionDep) -> dict[str, bool]:
        await session.execute(sa.text("SELECT 1"))
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        return {"in_transaction": driver.is_in_transaction()}  # as PostgreSQL said after the SELECT

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
        read = await client.get("/api/v1/in-transaction", headers=as_role("operator"))
        write = await client.post("/api/v1/in-transaction", headers=as_role("operator"))
    assert (read.json(), write.json()) == ({"in_transaction": False}, {"in_transaction": True})


async def test_a_number_asyncpg_refuses_in_a_read_is_422_and_leaves_no_lock_behind(
    own_pool: AsyncEngine, kit_engine: AsyncEngine, client: httpx.AsyncClient, as_role
):
    """asyncpg prepares `... WHERE id = $1` (PostgreSQL parses it and locks the table), then refuses to encode a
    number beyond int32 and sends nothing more: without a transaction to roll back, the connection went back to
    the pool still inside the Parse's implicit transaction, and a TRUNCATE of the table waited on it."""
    answer = await client.get("/api/v1/notes/3000000000", headers=as_role("operator"))
    assert (answer.status_code, answer.json()["code"]) == (422, "value-not-storable")
    async with kit_engine.connect() as conn:
        for _ in range(200):  # a dropped connection's backend releases its locks as it exits, just after
            if (await conn.execute(LOCKS_ON_NOTES)).scalar_one() == 0:
                break
            await conn.execute(sa.text("SELECT pg_sleep(0.05)"))
        assert (await conn.execute(LOCKS_ON_NOTES)).scalar_one() == 0
    again = await client.get("/api/v1/notes/1", headers=as_role("operator"))
    assert (answer.status_code, again.status_code) == (422, 404)


async def test_an_events_data_reads_back_as_stored_a_long_integer_exactly(kit_engine: AsyncEngine, kit_client, as_role):
    """jsonb is read with orjson (smartcity_kit.db.json_loads), which would make an integer beyond 64 bits a
    float; such a value is read by json, exactly as before."""
    stored = {"n": 123456789012345678901234567890, "m": -9223372036854775809, "text": "Kota Bandung é", "f": 0.1}
    async with kit_engine.begin() as conn:
        await conn.execute(
            sa.text("INSERT INTO kit_test.events (type, subject, data) VALUES ('note.placed', 'notes/1', :d)"),
            {"d": json.dumps(stored)},
        )
    await all_visible(kit_client, as_role, 1)
    page = await kit_client.get("/api/v1/events/kit", headers=as_role("partner"))
    assert [event["data"] for event in page.json()["items"]] == [stored]
