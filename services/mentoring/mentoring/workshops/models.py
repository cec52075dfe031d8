"""Workshops (sessions): a Bimtek meeting for many tracks, its mentors and the attendance per track."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import one_of
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import WorkshopMode


class Workshop(Base):
    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(one_of("mode", WorkshopMode), name="mode_known"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    stage: Mapped[str] = mapped_column(sa.String(32), sa.ForeignKey("stages.code"))
    title: Mapped[str] = mapped_column(sa.Text)
    # the instant, and the UTC offset (minutes) it was given with, so it is shown back as written
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    starts_offset: Mapped[int] = mapped_column(sa.SmallInteger)
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_offset: Mapped[int] = mapped_column(sa.SmallInteger)
    mode: Mapped[str] = mapped_column(sa.String(8))
    venue: Mapped[str | None] = mapped_column(sa.Text)
    url: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    created_by: Mapped[str] = mapped_column(sa.Text)


class WorkshopTrack(Base):
    __tablename__ = "session_tracks"

    session_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("sessions.id"), primary_key=True)
    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("tracks.id"), primary_key=True, index=True)
    # attendance: unknown (null) until recorded
    present: Mapped[bool | None] = mapped_column(sa.Boolean)
    attendees: Mapped[list[str] | None] = mapped_column(ARRAY(sa.Text))
    recorded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    recorded_by: Mapped[str | None] = mapped_column(sa.Text)


class WorkshopMentor(Base):
    __tablename__ = "session_mentors"

    session_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("sessions.id"), primary_key=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("mentors.id"), primary_key=True, index=True)
