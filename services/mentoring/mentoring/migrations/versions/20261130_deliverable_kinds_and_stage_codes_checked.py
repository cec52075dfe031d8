"""deliverable kinds and stage codes checked: a deliverable's kind is a document kind, a stage code one of the four

Revision ID: 7c1e4b9a2d63
Revises: 5e3d1c0b7a21
Create Date: 2026-11-30 13:40:00.000000
"""
from alembic import op

revision = '7c1e4b9a2d63'
down_revision = '5e3d1c0b7a21'
branch_labels = None
depends_on = None

# the values as they are at this revision (smartcity_vocabulary.DocumentKind, StageCode); a later change is a new revision
KINDS = (
    "'mou', 'readiness_report', 'strategic_analysis', 'quick_win_list', 'masterplan_draft', 'masterplan_final',"
    " 'commitment_sheet', 'minutes', 'other'"
)
STAGES = "'bimtek_1', 'bimtek_2', 'bimtek_3', 'bimtek_4'"


def upgrade() -> None:
    op.create_check_constraint(op.f('ck_stages_code_known'), 'stages', f"code IN ({STAGES})", schema='mentoring')
    op.create_check_constraint(op.f('ck_deliverables_kind_known'), 'deliverables', f"kind IN ({KINDS})", schema='mentoring')
    op.create_check_constraint(op.f('ck_deliverables_stage_known'), 'deliverables', f"stage IN ({STAGES})", schema='mentoring')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_deliverables_stage_known'), 'deliverables', schema='mentoring', type_='check')
    op.drop_constraint(op.f('ck_deliverables_kind_known'), 'deliverables', schema='mentoring', type_='check')
    op.drop_constraint(op.f('ck_stages_code_known'), 'stages', schema='mentoring', type_='check')
