"""Deliverables: a document a region hands in for a track, and its review."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import DeliverableStatus, DocumentKind, StageCode, one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base

# a deliverable not yet replaced by a newer one of its kind
LIVE = f"status <> '{DeliverableStatus.SUPERSEDED}'"


class Deliverable(Base):
    __tablename__ = "deliverables"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", DeliverableStatus), name="status_known"),
        sa.CheckConstraint(one_of("kind", DocumentKind), name="kind_known"),
        sa.CheckConstraint(one_of("stage", StageCode), name="stage_known"),
        # at most one live (not superseded) deliverable of a kind per track, whatever the race
        sa.Index(
            "uq_deliverables_live_kind",
            "track_id",
            "kind",
            unique=True,
            postgresql_where=sa.text(LIVE),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("tracks.id"), index=True)
    # the track's stage when it was handed in
    stage: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[str] = mapped_column(sa.String(32))
    document_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    status: Mapped[str] = mapped_column(sa.String(20), server_default=DeliverableStatus.SUBMITTED)
    supersedes_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    submitted_by: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    reviewed_by: Mapped[str | None] = mapped_column(sa.Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
