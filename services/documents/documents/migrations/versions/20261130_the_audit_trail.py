"""the audit trail: every change of every table recorded by triggers into audit_entries, chained by audit_seals

Revision ID: 9cfe81e76b28
Revises: 2b8d5f0e6a14
Create Date: 2026-11-30 13:40:00
"""
from smartcity_kit.audit.triggers import Audited, install_audit, uninstall_audit

revision = '9cfe81e76b28'
down_revision = '2b8d5f0e6a14'
branch_labels = None
depends_on = None

SCHEMA = "documents"
AUDITED = {
    # the bytes are never in the database: a version records their sha256, size and type
    "documents": Audited("documents/{id}"),
    "versions": Audited("documents/{document_id}/versions/{number}"),
}


def upgrade() -> None:
    install_audit(SCHEMA, AUDITED)


def downgrade() -> None:
    uninstall_audit(SCHEMA, list(AUDITED))
