"""Every audited schema the same way: each table audited (but what a service says it keeps out) and the audit
tables append-only for the role that owns them (the migration took UPDATE, DELETE and TRUNCATE from the role
that ran it, the service's own in deploy). Each package's test_audit.py holds what its trail records."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from smartcity_kit.audit.triggers import owner_privileges, unaudited_tables
from smartcity_kit.db import create_engine

# schema -> the tables it keeps out of its trail, and why
UNAUDITED = {
    "participants": [],
    "mentoring": [],
    "documents": [],
    "monitoring": [],
    "webhooks": [],
    "gateway": ["api_key_requests"],  # the replay store of API keys' requests: no change of anyone's data
}


async def read(url: str, look: object, *args: str) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(look, *args)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("schema", list(UNAUDITED))
async def test_every_table_is_audited(every_schema: str, schema: str) -> None:
    assert await read(every_schema, unaudited_tables, schema) == UNAUDITED[schema]


@pytest.mark.parametrize("table", ["audit_entries", "audit_seals"])
@pytest.mark.parametrize("schema", list(UNAUDITED))
async def test_the_audit_tables_are_append_only_for_their_owner(every_schema: str, schema: str, table: str) -> None:
    assert await read(every_schema, owner_privileges, schema, table) == ["INSERT", "REFERENCES", "SELECT", "TRIGGER"]


async def test_the_schemas_with_an_audit_trail_are_these(every_schema: str) -> None:
    engine = create_engine(every_schema)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'audit_entries'")
            )
            assert sorted(rows.scalars()) == sorted(UNAUDITED)
    finally:
        await engine.dispose()
