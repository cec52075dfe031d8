"""the audit trail: every change of every table recorded by triggers into audit_entries, chained by audit_seals

Revision ID: c726b646ddf1
Revises: f5bf4a7ba9d2
Create Date: 2026-11-30 13:40:00
"""
from smartcity_kit.audit.triggers import Audited, install_audit, uninstall_audit

revision = 'c726b646ddf1'
down_revision = 'f5bf4a7ba9d2'
branch_labels = None
depends_on = None

SCHEMA = "webhooks"
AUDITED = {
    # the lease columns change on every dispatcher turn: not a change anyone made
    "endpoints": Audited("webhooks/{id}", exclude=("lease_owner", "lease_until")),
    # a signing secret's AES-GCM ciphertext is never recorded, only that one was made or expired
    "endpoint_secrets": Audited("webhooks/{endpoint_id}/secrets/{id}", key=("id",), exclude=("sealed",)),
    # the delivery log: what a request did (a redelivery, a test event) is recorded, the dispatcher's attempts
    # and the fan-out of the feeds are the log itself; the body is the event, which its own service audited
    "deliveries": Audited("webhooks/{endpoint_id}/deliveries/{id}", key=("id",), exclude=("body",), requests_only=True),
    "attempts": Audited("webhooks/deliveries/{delivery_id}/attempts/{id}", key=("id",), requests_only=True),
}


def upgrade() -> None:
    install_audit(SCHEMA, AUDITED)


def downgrade() -> None:
    uninstall_audit(SCHEMA, list(AUDITED))
