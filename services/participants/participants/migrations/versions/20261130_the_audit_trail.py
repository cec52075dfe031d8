"""the audit trail: every change of every table recorded by triggers into audit_entries, chained by audit_seals

Revision ID: 3f7a9c21d4e8
Revises: bba1cb343710
Create Date: 2026-11-30 13:30:00
"""
from smartcity_kit.audit.triggers import Audited, install_audit, uninstall_audit

revision = '3f7a9c21d4e8'
down_revision = 'bba1cb343710'
branch_labels = None
depends_on = None

SCHEMA = "participants"
AUDITED = {
    "regions": Audited("regions/{code}"),
    "phases": Audited("phases/{code}"),
    "participants": Audited("participants/{id}"),
    "status_changes": Audited("participants/{participant_id}/history/{id}", key=("id",)),
    "mou_signings": Audited("phases/{phase_code}/mou-signings/{id}", key=("id",)),
    "mou_signatures": Audited("participants/{participant_id}/mou"),
    "published_indices": Audited("official-indices/{index}/{year}/{region_code}"),
}


def upgrade() -> None:
    install_audit(SCHEMA, AUDITED)


def downgrade() -> None:
    uninstall_audit(SCHEMA, list(AUDITED))
