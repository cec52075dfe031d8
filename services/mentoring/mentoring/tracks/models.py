"""Tracks: one per participant that signed its MoU, moving through the curriculum; and their mentors."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import TrackStatus, one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (sa.CheckConstraint(one_of("status", TrackStatus), name="status_known"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    # the unique constraint is what makes "exactly one track per participant" hold under any replay or race
    participant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, unique=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    time_zone: Mapped[str] = mapped_column(sa.Text)
    stage: Mapped[str] = mapped_column(sa.String(32), sa.ForeignKey("stages.code"))
    status: Mapped[str] = mapped_column(sa.String(16), server_default=TrackStatus.ACTIVE)
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class TrackMentor(Base):
    __tablename__ = "track_mentors"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("tracks.id"), primary_key=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("mentors.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    assigned_by: Mapped[str] = mapped_column(sa.Text)
