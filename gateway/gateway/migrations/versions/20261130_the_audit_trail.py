"""the audit trail of API keys: every change recorded by triggers into audit_entries, chained by audit_seals

Revision ID: 4b38ca6209fb
Revises: 7b1e4c2d9a30
Create Date: 2026-11-30 13:50:00
"""
from smartcity_kit.audit.triggers import Audited, install_audit, uninstall_audit

revision = '4b38ca6209fb'
down_revision = '7b1e4c2d9a30'
branch_labels = None
depends_on = None

SCHEMA = "gateway"
# the key itself is never stored; its SHA-256 is not recorded either. api_key_requests is the replay store of
# POST /api-keys (like the kit's idempotency keys: the sealed first answer), not audited.
AUDITED = {"api_keys": Audited("api-keys/{id}", exclude=("key_hash",))}


def upgrade() -> None:
    install_audit(SCHEMA, AUDITED)


def downgrade() -> None:
    uninstall_audit(SCHEMA, list(AUDITED))
