"""Participants (a region's application to a phase) and their status history."""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import ParticipantStatus, none_of, one_of
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base

# an application in one of these is over: the region may apply again
CLOSED = (ParticipantStatus.REJECTED, ParticipantStatus.WITHDRAWN)
LIVE = none_of("status", CLOSED)


class Participant(Base):
    __tablename__ = "participants"
    __table_args__ = (
        # a region takes part once in the whole programme: at most one application that is not closed
        sa.Index(
            "uq_participants_live_region",
            "region_code",
            unique=True,
            postgresql_where=sa.text(LIVE),
        ),
        sa.Index("ix_participants_phase_status", "phase_code", "status"),
        sa.CheckConstraint(one_of("status", ParticipantStatus), name="status_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    region_code: Mapped[str] = mapped_column(sa.String(5))
    region_name: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.String(16))  # kabupaten | kota
    province_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    time_zone: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.String(32), sa.ForeignKey("phases.code"))
    status: Mapped[str] = mapped_column(sa.String(16))
    contacts: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    # the seven scores, null until assessed; sustainable_city_index stays null for a kabupaten
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # where each official indicator's score came from: the assessor, or a ministry's published index (and year)
    assessment_sources: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    readiness_score: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 2))
    # clock_timestamp: applications in one transaction still get distinct, ordered times (selection ties)
    applied_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())


class StatusChange(Base):
    __tablename__ = "status_changes"
    __table_args__ = (
        sa.CheckConstraint(f"from_status IS NULL OR {one_of('from_status', ParticipantStatus)}", name="from_known"),
        sa.CheckConstraint(one_of("to_status", ParticipantStatus), name="to_known"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("participants.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    actor: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
