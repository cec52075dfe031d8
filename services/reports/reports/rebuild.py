"""`reports-rebuild`: empty every projection and replay every feed from its start.

The projections and the cursors are emptied in one transaction, so a running
replica either finishes its batch before it or starts again from the start
with it; then every feed is read to its end. The result equals the live one
because the handlers depend only on the events, in feed order.
"""

from __future__ import annotations

import asyncio
import sys

import httpx
import sqlalchemy as sa
from smartcity_kit.db import create_engine, make_sessionmaker
from sqlalchemy.ext.asyncio import AsyncEngine

from .database import SCHEMA, consumer_cursors
from .models import PROJECTIONS
from .projections.feeds import consumers
from .settings import Settings


async def reset(engine: AsyncEngine) -> None:
    names = ", ".join(f"{SCHEMA}.{t.__tablename__}" for t in PROJECTIONS)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {names}"))
        await conn.execute(sa.delete(consumer_cursors))


async def catch_up(settings: Settings, engine: AsyncEngine) -> dict[str, int]:
    """Read every feed to its end; returns the events applied per feed."""
    applied: dict[str, int] = {}
    async with httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=5.0)) as client:
        for consumer in consumers(settings, make_sessionmaker(engine), client):
            applied[consumer.feed] = 0
            while (n := await consumer.run_once()) > 0:
                applied[consumer.feed] += n
    return applied


async def rebuild(settings: Settings) -> dict[str, int]:
    engine = create_engine(settings.database_url, pool_size=2)
    try:
        await reset(engine)
        return await catch_up(settings, engine)
    finally:
        await engine.dispose()


def main() -> None:
    applied = asyncio.run(rebuild(Settings()))
    for feed, n in applied.items():
        print(f"{feed}: {n} events", file=sys.stderr)


if __name__ == "__main__":
    main()
