"""The documents audit trail: every table audited, the audit tables append-only for the service's role."""

from __future__ import annotations

from documents.database import SCHEMA
from smartcity_kit.audit.triggers import owner_privileges, unaudited_tables


async def test_every_table_is_audited(connection):
    assert await connection.run_sync(unaudited_tables, SCHEMA) == []


async def test_the_audit_tables_are_append_only_for_their_owner(connection):
    for table in ("audit_entries", "audit_seals"):
        assert await connection.run_sync(owner_privileges, SCHEMA, table) == [
            "INSERT",
            "REFERENCES",
            "SELECT",
            "TRIGGER",
        ]
