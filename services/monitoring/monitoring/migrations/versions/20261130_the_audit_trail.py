"""the audit trail: every change of every table recorded by triggers into audit_entries, chained by audit_seals

Revision ID: d01a02aa12f0
Revises: 5d3c1e7a9b20
Create Date: 2026-11-30 13:40:00
"""
from smartcity_kit.audit.triggers import Audited, install_audit, uninstall_audit

revision = 'd01a02aa12f0'
down_revision = '5d3c1e7a9b20'
branch_labels = None
depends_on = None

SCHEMA = "monitoring"
AUDITED = {
    "indicators": Audited("monitoring/indicators/{code}"),
    "portfolios": Audited("monitoring/portfolios/{track_id}"),
    "initiatives": Audited("monitoring/initiatives/{id}"),
    "region_mentors": Audited("monitoring/portfolios/{track_id}/mentors/{mentor_id}"),
    "tracked_indicators": Audited("monitoring/tracked-indicators/{id}"),
    "periods": Audited("monitoring/periods/{code}"),
    "reports": Audited("monitoring/periods/{period_code}/reports/{region_code}", key=("id",)),
    "report_values": Audited("monitoring/reports/{report_id}/values/{tracked_indicator_id}"),
    "report_initiatives": Audited("monitoring/reports/{report_id}/initiatives/{initiative_id}"),
    "report_history": Audited("monitoring/reports/{report_id}/history/{id}", key=("id",)),
    "region_results": Audited("monitoring/periods/{period_code}/results/{region_code}"),
    "reminders": Audited("monitoring/periods/{period_code}/reminders/{region_code}/{kind}"),
    "official_values": Audited("monitoring/official-indices/{index}/{year}/{region_code}"),
}


def upgrade() -> None:
    install_audit(SCHEMA, AUDITED)


def downgrade() -> None:
    uninstall_audit(SCHEMA, list(AUDITED))
