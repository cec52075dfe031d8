"""A region reads its feed through an index: its own events in feed order, not a scan of every region's.

Each service with a feed is migrated into a database of its own; its outbox is filled with many events of
other regions and a few of one region, and the plan PostgreSQL chooses for that region's feed page (the
kit's own query: `in_scope`, feed order, a page) must use the index its migration made.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Callable

import asyncpg
import pytest
import sqlalchemy as sa
from smartcity_dev.platform import FEED_SERVICES
from smartcity_kit.identity import Caller, Role
from smartcity_kit.migrations import upgrade
from smartcity_kit.outbox import REGION_FEED_INDEX, in_scope, outbox_table
from sqlalchemy.dialects import postgresql

OTHER_EVENTS, OWN_EVENTS, PAGE = 20_000, 5, 100


def region_page_sql(service: str) -> str:
    table = outbox_table(sa.MetaData(schema=service))
    caller = Caller(subject="region-11.71", role=Role.REGION, region_code="11.71")
    stmt = sa.select(table).where(in_scope(table, caller)).order_by(table.c.txid, table.c.id).limit(PAGE)
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


async def plan(url: str, service: str) -> str:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            f"""
            INSERT INTO {service}.events (type, subject, data)
            SELECT 'test.happened', 'subject-' || n, jsonb_build_object('region_code', '32.' || (n % 500))
            FROM generate_series(1, {OTHER_EVENTS}) AS n
            """
        )
        await conn.execute(
            f"""
            INSERT INTO {service}.events (type, subject, data)
            SELECT 'test.happened', 'own-' || n, jsonb_build_object('region_code', '11.71')
            FROM generate_series(1, {OWN_EVENTS}) AS n
            """
        )
        await conn.execute(f"ANALYZE {service}.events")
        rows = await conn.fetch(f"EXPLAIN (FORMAT JSON) {region_page_sql(service)}")
        return json.dumps(json.loads(rows[0][0]))
    finally:
        await conn.close()


@pytest.mark.parametrize("service", FEED_SERVICES)
def test_a_regions_feed_page_reads_the_region_index(service: str, new_database: Callable[[], str]) -> None:
    url = new_database()
    upgrade(importlib.import_module(f"{service}.migrate").MIGRATIONS, url)
    chosen = asyncio.run(plan(url.replace("postgresql+asyncpg://", "postgresql://"), service))
    assert REGION_FEED_INDEX in chosen, chosen
