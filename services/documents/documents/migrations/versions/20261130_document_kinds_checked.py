"""document kinds checked: a document's kind is one of the programme's document kinds

Revision ID: 2b8d5f0e6a14
Revises: 1571dee8c2a7
Create Date: 2026-11-30 13:40:00.000000
"""
from alembic import op

revision = '2b8d5f0e6a14'
down_revision = '1571dee8c2a7'
branch_labels = None
depends_on = None

# the values as they are at this revision (smartcity_vocabulary.DocumentKind); a later change is a new revision
KINDS = (
    "'mou', 'readiness_report', 'strategic_analysis', 'quick_win_list', 'masterplan_draft', 'masterplan_final',"
    " 'commitment_sheet', 'minutes', 'other'"
)


def upgrade() -> None:
    op.create_check_constraint(op.f('ck_documents_kind_known'), 'documents', f"kind IN ({KINDS})", schema='documents')


def downgrade() -> None:
    op.drop_constraint(op.f('ck_documents_kind_known'), 'documents', schema='documents', type_='check')
