"""participant statuses checked: a status, and each end of a status change, is one of the flow's

Revision ID: 3f6a2c9d1e57
Revises: 3f7a9c21d4e8
Create Date: 2026-11-30 13:40:00.000000
"""
from alembic import op

revision = '3f6a2c9d1e57'
down_revision = '3f7a9c21d4e8'
branch_labels = None
depends_on = None

# the values as they are at this revision (smartcity_vocabulary.ParticipantStatus); a later change is a new revision
STATUSES = "'applied', 'assessed', 'selected', 'waitlisted', 'rejected', 'mou_signed', 'mentoring', 'completed', 'withdrawn'"


def upgrade() -> None:
    op.create_check_constraint(op.f('ck_participants_status_known'), 'participants', f"status IN ({STATUSES})", schema='participants')
    op.create_check_constraint(
        op.f('ck_status_changes_from_known'), 'status_changes', f"from_status IS NULL OR from_status IN ({STATUSES})", schema='participants'
    )
    op.create_check_constraint(op.f('ck_status_changes_to_known'), 'status_changes', f"to_status IN ({STATUSES})", schema='participants')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_status_changes_to_known'), 'status_changes', schema='participants', type_='check')
    op.drop_constraint(op.f('ck_status_changes_from_known'), 'status_changes', schema='participants', type_='check')
    op.drop_constraint(op.f('ck_participants_status_known'), 'participants', schema='participants', type_='check')
