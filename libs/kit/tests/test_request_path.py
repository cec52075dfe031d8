"""What the request path does cheaply and still does: a pool that heals without a ping per request, and a
forwarded identity verified once for its short life but never beyond it (bench/hot_reads.md)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from smartcity_kit.db import check_on_checkout, create_engine
from smartcity_kit.identity import Caller, Role, VerifiedIdentities, sign_identity
from smartcity_kit.problems import Unauthorized
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from .conftest import SECRET, build_app


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())


async def pooled_driver_connection(engine: AsyncEngine) -> Any:
    async with engine.connect() as conn:
        return (await conn.get_raw_connection()).driver_connection


async def terminate(kit_engine: AsyncEngine, pid: int) -> None:
    async with kit_engine.connect() as conn:
        assert (await conn.execute(sa.text(f"SELECT pg_terminate_backend({pid})"))).scalar_one() is True


async def test_a_pooled_connection_whose_backend_ended_is_replaced_at_checkout_without_failing_a_request(
    kit_engine: AsyncEngine, database_url: str, as_role
):
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    app = build_app()
    app.state.engine = engine
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)
    try:
        before = await backend_pid(engine)
        pooled = await pooled_driver_connection(engine)
        await terminate(kit_engine, before)  # as a PostgreSQL restart ends every backend
        for _ in range(100):  # until asyncpg has read the server's goodbye on the idle socket
            if pooled.is_closed():
                break
            await asyncio.sleep(0.01)
        assert pooled.is_closed()
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit") as client:
            answer = await client.get("/api/v1/notes/1", headers=as_role("operator"))
        # the route ran on a fresh connection: the note is not there (404), rather than a 503 for the dead one
        assert (answer.status_code, answer.headers["content-type"]) == (404, "application/problem+json")
        assert await backend_pid(engine) != before
    finally:
        await engine.dispose()


async def test_a_connection_idle_past_the_bound_is_pinged_and_replaced_when_it_does_not_answer(
    kit_engine: AsyncEngine, database_url: str
):
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    check_on_checkout(engine, idle_ping_seconds=0)  # a second check: every checkout pings
    pings = []
    original = engine.sync_engine.dialect.do_ping

    def counted(dbapi_connection: object) -> bool:
        pings.append(1)
        return original(dbapi_connection)

    engine.sync_engine.dialect.do_ping = counted  # type: ignore[method-assign]
    try:
        first = await backend_pid(engine)
        assert await backend_pid(engine) == first  # idle past the bound: pinged, answered, kept
        assert len(pings) == 1
    finally:
        await engine.dispose()

    plain = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        first = await backend_pid(plain)
        assert await backend_pid(plain) == first
        assert len(pings) == 1  # used a moment ago: no ping (30 s bound)
    finally:
        await plain.dispose()


def identity(ttl: int, role: Role = Role.PARTNER) -> str:
    return sign_identity(Caller(subject="bench@kominfo", role=role), SECRET, ttl=ttl)


def test_a_verified_identity_is_taken_from_the_cache_until_it_expires():
    verified = VerifiedIdentities(SECRET)
    token = identity(ttl=60)
    caller = Caller(subject="bench@kominfo", role=Role.PARTNER)
    assert verified.caller(token) == caller
    # a cached entry is what the next request gets, while it lasts ...
    marked = Caller(subject="from-the-cache", role=Role.PARTNER)
    verified.known[token] = (marked, int(time.time()) + 60)
    assert verified.caller(token) is marked
    # ... and not once its expiry and the leeway have passed: the token is verified again
    verified.known[token] = (marked, int(time.time()) - 6)
    assert verified.caller(token) == caller
    with pytest.raises(Unauthorized):
        verified.caller(identity(ttl=-6))  # expired beyond the leeway: refused, and not cached
    assert len(verified.known) == 1


def test_a_token_with_another_signature_is_never_the_cached_one():
    verified = VerifiedIdentities(SECRET)
    token = identity(ttl=60)
    verified.caller(token)
    head, claims, _ = token.split(".")
    forged = f"{head}.{claims}.{'A' * 43}"
    with pytest.raises(Unauthorized):
        verified.caller(forged)
    other_secret = sign_identity(Caller(subject="bench@kominfo", role=Role.ADMIN), "another-secret-of-32-characters-x")
    with pytest.raises(Unauthorized):
        verified.caller(other_secret)


def test_the_cache_stays_within_its_bound():
    verified = VerifiedIdentities(SECRET, size=3)
    tokens = [sign_identity(Caller(subject=f"s{n}", role=Role.PARTNER), SECRET) for n in range(4)]
    callers = [verified.caller(t) for t in tokens]
    assert [c.subject for c in callers] == ["s0", "s1", "s2", "s3"]
    assert list(verified.known) == [tokens[3]]
