"""The DDL of the audit: its tables, one trigger function per audited table, and the grants.

A service's migration calls `install_audit(schema, {table: Audited(...)})`.
Each audited table gets three statement-level triggers (insert, update,
delete) over the statement's transition tables, so a statement that changes
fifty rows runs one INSERT ... SELECT into `audit_entries`, and an UPDATE
compares the rows before and after as two jsonb values in one pass over
their keys, not field by field in PL/pgSQL. An UPDATE that changes nothing records
nothing. The resource and the excluded columns are fixed per table here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

from ..db import make_metadata
from .tables import ENTRIES, SEALS, audit_tables

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


@dataclass(frozen=True)
class Audited:
    """How one table is audited.

    `resource` names a row, with its columns in braces: `"participants/{id}"`,
    `"tracks/{track_id}/masterplan"`. `key` is the primary key an UPDATE's old
    and new rows are matched on (default: the resource's columns). `exclude`
    are columns never recorded: secrets, signed identities, bytes.
    `requests_only` records only what a request changed, not a job's or a
    feed consumer's churn (a delivery log that a dispatcher rewrites per attempt).
    """

    resource: str
    key: Sequence[str] = ()
    exclude: Sequence[str] = ()
    requests_only: bool = False

    @property
    def key_columns(self) -> Sequence[str]:
        return self.key or _PLACEHOLDER.findall(self.resource)

    def resource_sql(self, alias: str) -> str:
        parts: list[str] = []
        for n, piece in enumerate(_PLACEHOLDER.split(self.resource)):
            if n % 2:
                parts.append(f'{alias}."{piece}"::text')
            elif piece:
                parts.append(_literal(piece))
        return " || ".join(parts)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _row(alias: str, audited: Audited) -> str:
    excluded = "ARRAY[" + ", ".join(_literal(c) for c in audited.exclude) + "]::text[]"
    return f"(to_jsonb({alias}) - {excluded})"


def _trigger_function(schema: str, table: str, audited: Audited) -> str:
    entries = f'"{schema}".{ENTRIES} (actor, request_id, action, resource, before, after)'
    on_key = " AND ".join(f'o."{c}" = n."{c}"' for c in audited.key_columns)
    old, new = _row("o", audited), _row("n", audited)
    guard = "\n  IF who = 'system' THEN RETURN NULL; END IF;" if audited.requests_only else ""
    return f"""
CREATE OR REPLACE FUNCTION "{schema}".audit_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who text := coalesce(nullif(current_setting('smartcity.actor', true), ''), 'system');
  rid text := nullif(current_setting('smartcity.request_id', true), '');
BEGIN{guard}
  IF TG_OP = 'INSERT' THEN
    INSERT INTO {entries}
    SELECT who, rid, 'insert', {audited.resource_sql("n")}, NULL, jsonb_strip_nulls({new}) FROM new_rows AS n;
  ELSIF TG_OP = 'UPDATE' THEN
    -- the keys whose values differ, both sides gathered in one pass over the new row's keys
    INSERT INTO {entries}
    SELECT who, rid, 'update', {audited.resource_sql("n")}, d.before, d.after
    FROM old_rows AS o JOIN new_rows AS n ON {on_key}
    CROSS JOIN LATERAL (
      SELECT jsonb_object_agg(k, oj -> k) AS before, jsonb_object_agg(k, nj -> k) AS after
      FROM (SELECT {old} AS oj, {new} AS nj) AS j, jsonb_object_keys(j.nj) AS k
      WHERE j.oj -> k IS DISTINCT FROM j.nj -> k
    ) AS d
    WHERE d.after IS NOT NULL;
  ELSE
    INSERT INTO {entries}
    SELECT who, rid, 'delete', {audited.resource_sql("o")}, jsonb_strip_nulls({old}), NULL FROM old_rows AS o;
  END IF;
  RETURN NULL;
END $$"""


def _triggers(schema: str, table: str) -> list[str]:
    target, function = f'"{schema}"."{table}"', f'"{schema}".audit_{table}()'
    return [
        f"CREATE TRIGGER audit_insert AFTER INSERT ON {target} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}",
        f"CREATE TRIGGER audit_update AFTER UPDATE ON {target} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}",
        f"CREATE TRIGGER audit_delete AFTER DELETE ON {target} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}",
    ]


def audit_ddl(schema: str, tables: Mapping[str, Audited]) -> list[str]:
    """Every statement `install_audit` runs after creating the tables (also for tests and tools)."""
    statements = []
    for table, audited in tables.items():
        statements.append(_trigger_function(schema, table, audited))
        statements.extend(_triggers(schema, table))
    # append-only: the role that owns the schema (the service's) may add and read entries and seals, nothing else
    statements.append(f'REVOKE UPDATE, DELETE, TRUNCATE ON "{schema}".{ENTRIES}, "{schema}".{SEALS} FROM CURRENT_USER')
    return statements


def install_audit(schema: str, tables: Mapping[str, Audited], *, create_tables: bool = True) -> None:
    """In a migration: the audit tables (unless `create_tables` is false), the triggers on `tables`, the grants."""
    install_on(op.get_bind(), schema, tables, create_tables=create_tables)


def install_on(bind: Connection, schema: str, tables: Mapping[str, Audited], *, create_tables: bool = True) -> None:
    if create_tables:
        entries, seals = audit_tables(make_metadata(schema))
        entries.create(bind)
        seals.create(bind)
    for statement in audit_ddl(schema, tables):
        bind.exec_driver_sql(statement)


def uninstall_audit(schema: str, tables: Sequence[str], *, drop_tables: bool = True) -> None:
    """The downgrade of `install_audit`."""
    bind = op.get_bind()
    for table in tables:
        for action in ("insert", "update", "delete"):
            bind.exec_driver_sql(f'DROP TRIGGER IF EXISTS audit_{action} ON "{schema}"."{table}"')
        bind.exec_driver_sql(f'DROP FUNCTION IF EXISTS "{schema}".audit_{table}()')
    if drop_tables:
        bind.exec_driver_sql(f'DROP TABLE IF EXISTS "{schema}".{SEALS}, "{schema}".{ENTRIES}')


# the kit's own tables, which record changes or plumbing rather than being changed by requests
NOT_AUDITED = frozenset({"events", "idempotency_keys", "consumer_cursors", ENTRIES, SEALS, "alembic_version"})


def unaudited_tables(connection: Connection, schema: str) -> list[str]:
    """The tables of `schema` without the audit triggers, besides the kit's own: a test of each service wants none."""
    rows = connection.execute(
        sa.text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = :schema AND c.relkind IN ('r', 'p') AND NOT EXISTS "
            "(SELECT 1 FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = 'audit_update') ORDER BY 1"
        ),
        {"schema": schema},
    )
    return [name for (name,) in rows if name not in NOT_AUDITED]


def owner_privileges(connection: Connection, schema: str, table: str = ENTRIES) -> list[str]:
    """What the owner of `schema.table` may do, as granted (a superuser could do more; the service's role cannot)."""
    rows = connection.execute(
        sa.text(
            "SELECT a.privilege_type FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, "
            "aclexplode(c.relacl) AS a WHERE n.nspname = :schema AND c.relname = :table AND a.grantee = c.relowner "
            "ORDER BY 1"
        ),
        {"schema": schema, "table": table},
    )
    return [privilege for (privilege,) in rows]
