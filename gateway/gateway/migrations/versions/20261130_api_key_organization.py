"""api key organization: a partner ministry's key speaks for its organisation

Revision ID: 7b1e4c2d9a30
Revises: 024ce6a25bc8
Create Date: 2026-11-30 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '7b1e4c2d9a30'
down_revision = '024ce6a25bc8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('api_keys', sa.Column('organization', sa.Text(), nullable=True), schema='gateway')
    op.create_check_constraint(
        op.f('ck_api_keys_organization_for_partner'),
        'api_keys',
        "organization IS NULL OR (role = 'partner' AND organization IN ('kemenkeu', 'pupr', 'kemendagri', 'bappenas'))",
        schema='gateway',
    )


def downgrade() -> None:
    op.drop_constraint(op.f('ck_api_keys_organization_for_partner'), 'api_keys', schema='gateway')
    op.drop_column('api_keys', 'organization', schema='gateway')
