"""status checks: the projections hold only the statuses and stages of the shared vocabulary

Revision ID: 8c3f1a7e52d9
Revises: 5b7e2c1d9a40
Create Date: 2026-11-30 17:00:00.000000
"""
from alembic import op


revision = '8c3f1a7e52d9'
down_revision = '5b7e2c1d9a40'
branch_labels = None
depends_on = None

# (table, constraint, condition), the values as they are today: a later change of a set is a migration of its own
CHECKS = (
    (
        'participants',
        'ck_participants_status_known',
        "status IN ('applied', 'assessed', 'selected', 'waitlisted', 'rejected', 'mou_signed', 'mentoring',"
        " 'completed', 'withdrawn')",
    ),
    ('tracks', 'ck_tracks_status_known', "status IN ('active', 'completed', 'withdrawn')"),
    ('tracks', 'ck_tracks_stage_known', "stage IN ('bimtek_1', 'bimtek_2', 'bimtek_3', 'bimtek_4')"),
    (
        'deliverables',
        'ck_deliverables_status_known',
        "status IN ('submitted', 'approved', 'changes_requested', 'superseded')",
    ),
    ('period_reports', 'ck_period_reports_status_known', "status IN ('draft', 'submitted', 'accepted', 'returned')"),
)


def upgrade() -> None:
    for table, name, condition in CHECKS:
        op.create_check_constraint(op.f(name), table, condition, schema='reports')


def downgrade() -> None:
    for table, name, _ in reversed(CHECKS):
        op.drop_constraint(op.f(name), table, type_='check', schema='reports')
