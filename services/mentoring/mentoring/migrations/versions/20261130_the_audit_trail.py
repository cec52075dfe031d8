"""the audit trail: every change of every table recorded by triggers into audit_entries, chained by audit_seals

Revision ID: 97a86894dbf0
Revises: 7c1e4b9a2d63
Create Date: 2026-11-30 13:40:00
"""
from smartcity_kit.audit.triggers import Audited, install_audit, uninstall_audit

revision = '97a86894dbf0'
down_revision = '7c1e4b9a2d63'
branch_labels = None
depends_on = None

SCHEMA = "mentoring"
AUDITED = {
    "mentors": Audited("mentors/{id}"),
    "stages": Audited("curriculum/{code}"),
    "tracks": Audited("tracks/{id}"),
    "track_mentors": Audited("tracks/{track_id}/mentors/{mentor_id}"),
    "sessions": Audited("sessions/{id}"),
    "session_tracks": Audited("sessions/{session_id}/tracks/{track_id}"),
    "session_mentors": Audited("sessions/{session_id}/mentors/{mentor_id}"),
    "deliverables": Audited("tracks/{track_id}/deliverables/{id}", key=("id",)),
    "masterplans": Audited("tracks/{track_id}/masterplan"),
}


def upgrade() -> None:
    install_audit(SCHEMA, AUDITED)


def downgrade() -> None:
    uninstall_audit(SCHEMA, list(AUDITED))
