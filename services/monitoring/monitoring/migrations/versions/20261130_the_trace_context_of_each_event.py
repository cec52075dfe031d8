"""the trace context of each event

Revision ID: bde76bd91e73
Revises: d01a02aa12f0
Create Date: 2026-11-30 14:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'bde76bd91e73'
down_revision = 'd01a02aa12f0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the W3C traceparent of the change that recorded the event (null when tracing was off): a consumer links to it
    op.add_column('events', sa.Column('traceparent', sa.Text(), nullable=True), schema='monitoring')


def downgrade() -> None:
    op.drop_column('events', 'traceparent', schema='monitoring')
