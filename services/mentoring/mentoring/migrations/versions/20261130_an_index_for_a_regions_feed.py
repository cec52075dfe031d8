"""an index for a region's feed

Revision ID: 6b2e1d8f3c02
Revises: 3b11f78c2409
Create Date: 2026-11-30 17:00:00
"""

from alembic import op

revision = "6b2e1d8f3c02"
down_revision = "3b11f78c2409"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a region reads only the events whose data.region_code is its own, in feed order (txid, id): without this
    # index each page scans the feed from the cursor through every other region's events
    op.execute("CREATE INDEX events_region_code_txid_id_idx ON mentoring.events ((data ->> 'region_code'), txid, id)")


def downgrade() -> None:
    op.drop_index("events_region_code_txid_id_idx", table_name="events", schema="mentoring")
