"""the trace context of each event

Revision ID: f62d9a9303c0
Revises: 9cfe81e76b28
Create Date: 2026-11-30 14:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = 'f62d9a9303c0'
down_revision = '9cfe81e76b28'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # the W3C traceparent of the change that recorded the event (null when tracing was off): a consumer links to it
    op.add_column('events', sa.Column('traceparent', sa.Text(), nullable=True), schema='documents')


def downgrade() -> None:
    op.drop_column('events', 'traceparent', schema='documents')
