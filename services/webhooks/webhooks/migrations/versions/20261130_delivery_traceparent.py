"""a delivery keeps the trace context of the fan-out that made it, which its attempts' spans link to

Revision ID: 5d0c2b7e91a4
Revises: c726b646ddf1
Create Date: 2026-11-30 20:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '5d0c2b7e91a4'
down_revision = 'c726b646ddf1'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("traceparent", sa.Text(), nullable=True), schema="webhooks")


def downgrade() -> None:
    op.drop_column("deliveries", "traceparent", schema="webhooks")
