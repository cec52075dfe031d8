"""period reports: the accepted report's achievement, overall and per dimension

Revision ID: 5b7e2c1d9a40
Revises: d01ac5584644
Create Date: 2026-11-30 14:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '5b7e2c1d9a40'
down_revision = 'd01ac5584644'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('period_reports', sa.Column('achievement', sa.Double(), nullable=True), schema='reports')
    op.add_column(
        'period_reports', sa.Column('dimensions', postgresql.JSONB(astext_type=sa.Text()), nullable=True), schema='reports'
    )


def downgrade() -> None:
    op.drop_column('period_reports', 'dimensions', schema='reports')
    op.drop_column('period_reports', 'achievement', schema='reports')
