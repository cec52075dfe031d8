"""Projection tables of the mentoring work: mentors and their tracks, workshops and attendance, deliverables,
master plans and their initiatives. Keyed like the others by the id of what each row describes."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import DeliverableStatus, one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Mentor(Base):
    __tablename__ = "mentors"

    mentor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    organization: Mapped[str] = mapped_column(sa.Text)
    max_tracks: Mapped[int] = mapped_column(sa.Integer)


class TrackMentor(Base):
    """A mentor assigned to a track (the row goes when the mentor is removed)."""

    __tablename__ = "track_mentors"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, index=True)


class WorkshopTrack(Base):
    """One track's place in one workshop: scheduled, then attended or not."""

    __tablename__ = "workshop_tracks"

    session_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    province_code: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    stage: Mapped[str] = mapped_column(sa.Text)
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    # null until attendance is recorded
    present: Mapped[bool | None] = mapped_column(sa.Boolean)


class Deliverable(Base):
    """A deliverable handed in, and where its review stands (`superseded` when a newer one replaced it)."""

    __tablename__ = "deliverables"
    __table_args__ = (sa.CheckConstraint(one_of("status", DeliverableStatus), name="status_known"),)

    deliverable_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, index=True)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    province_code: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    stage: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    submitted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class MasterPlan(Base):
    """A track's approved master plan (the frozen plan the approval event carries)."""

    __tablename__ = "masterplans"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    province_code: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    approved_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    horizon_start_year: Mapped[int] = mapped_column(sa.Integer)
    horizon_end_year: Mapped[int] = mapped_column(sa.Integer)


class Initiative(Base):
    __tablename__ = "initiatives"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    index: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    dimension: Mapped[str] = mapped_column(sa.Text)
    element: Mapped[str] = mapped_column(sa.Text)
    quick_win: Mapped[bool] = mapped_column(sa.Boolean)
    start_year: Mapped[int] = mapped_column(sa.Integer)
    end_year: Mapped[int] = mapped_column(sa.Integer)
