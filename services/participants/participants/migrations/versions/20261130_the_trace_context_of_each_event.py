"""the trace context of each event

Revision ID: 312cc321d095
Revises: 3f6a2c9d1e57
Create Date: 2026-11-30 14:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '312cc321d095'
down_revision = '3f6a2c9d1e57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the W3C traceparent of the change that recorded the event (null when tracing was off): a consumer links to it
    op.add_column('events', sa.Column('traceparent', sa.Text(), nullable=True), schema='participants')


def downgrade() -> None:
    op.drop_column('events', 'traceparent', schema='participants')
