"""the trace context of each event

Revision ID: 3b11f78c2409
Revises: 97a86894dbf0
Create Date: 2026-11-30 14:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = '3b11f78c2409'
down_revision = '97a86894dbf0'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the W3C traceparent of the change that recorded the event (null when tracing was off): a consumer links to it
    op.add_column('events', sa.Column('traceparent', sa.Text(), nullable=True), schema='mentoring')


def downgrade() -> None:
    op.drop_column('events', 'traceparent', schema='mentoring')
