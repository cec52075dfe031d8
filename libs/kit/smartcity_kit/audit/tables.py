"""The two audit tables of a service's schema: the entries, and the seals that chain them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

_XID = sa.text("(pg_current_xact_id()::text::bigint)")
ENTRIES, SEALS = "audit_entries", "audit_seals"


def audit_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """(audit_entries, audit_seals) on `metadata`; `install_audit` creates them in a migration."""
    entries = sa.Table(
        ENTRIES,
        metadata,
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        # the writing transaction: the sealer chains entries in (txid, id) order, once every older one has ended
        sa.Column("txid", sa.BigInteger, nullable=False, server_default=_XID),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("request_id", sa.Text),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("resource", sa.Text, nullable=False),
        # the fields that changed, as they were and as they became: on insert every non-null field is in `after`
        # and `before` is null, on delete the reverse; the API shows them as {"field": {"before", "after"}}
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
        sa.CheckConstraint("action IN ('insert', 'update', 'delete')", name="action"),
        sa.Index(None, "txid", "id"),
        sa.Index(None, "resource", "id"),
    )
    seals = sa.Table(
        SEALS,
        metadata,
        sa.Column("position", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("entry_id", sa.BigInteger, nullable=False, unique=True),
        sa.Column("entry_txid", sa.BigInteger, nullable=False),
        sa.Column("prev_hash", sa.LargeBinary, nullable=False),
        # sha256(prev_hash || the entry as PostgreSQL renders it in jsonb, UTC)
        sa.Column("hash", sa.LargeBinary, nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    return entries, seals
