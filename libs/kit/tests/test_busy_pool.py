"""A service whose database connections are all busy answers 503 (retry), never 500: found by `make bench`,
where uploads at 100 users kept the documents service's pool busy past its timeout."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from smartcity_kit.db import create_engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from .conftest import build_app


async def test_a_request_that_finds_no_free_connection_is_503_in_a_route_and_in_a_middleware(
    kit_engine: AsyncEngine, database_url: str, as_role
):
    engine = create_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.1)
    app = build_app()
    app.state.engine = engine
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
            async with engine.connect() as held:  # the pool's only connection, busy elsewhere
                await held.execute(sa.text("SELECT 1"))
                read = await client.get("/api/v1/notes/1", headers=as_role("operator"))
                # the idempotency middleware asks for a connection before any route runs
                write = await client.post(
                    "/api/v1/notes", json={"text": "x"}, headers={**as_role("operator"), "Idempotency-Key": "busy-1"}
                )
            for answer in (read, write):
                assert (answer.status_code, answer.headers["content-type"], answer.headers["retry-after"]) == (
                    503,
                    "application/problem+json",
                    "2",
                )
                assert answer.json()["detail"] == "The service is busy; retry shortly."
                assert answer.json()["code"] == "service-busy"
            freed = await client.get("/api/v1/notes/1", headers=as_role("operator"))
            assert freed.status_code == 404
    finally:
        await engine.dispose()


async def test_a_database_refusing_new_connections_is_503_not_500(kit_engine: AsyncEngine, database_url: str, as_role):
    """PostgreSQL's "too many clients" (SQLSTATE 53300) reaches the handler wrapped by the asyncpg dialect: the
    wrapper's class name is no asyncpg name, so it was a 500 until the check read the SQLSTATE."""
    role = "kit_no_connections"
    async with kit_engine.begin() as conn:
        await conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))
        await conn.execute(sa.text(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0"))
    url = sa.make_url(database_url).set(username=role, password=None)
    engine = create_engine(url.render_as_string(hide_password=False))
    app = build_app()
    app.state.engine = engine
    app.state.sessionmaker = async_sessionmaker(engine, expire_on_commit=False, class_=AsyncSession)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kit") as client:
            answer = await client.get("/api/v1/notes/1", headers=as_role("operator"))
        assert (answer.status_code, answer.headers["content-type"], answer.headers["retry-after"]) == (
            503,
            "application/problem+json",
            "5",
        )
        assert answer.json()["detail"] == "The database is not reachable; retry shortly."
        assert answer.json()["code"] == "database-unavailable"
    finally:
        await engine.dispose()
        async with kit_engine.begin() as conn:
            await conn.execute(sa.text(f"DROP ROLE {role}"))
