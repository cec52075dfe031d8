"""Projection tables. Each row is keyed by the id of what it describes, so applying an event twice
leaves it as applying it once; `reports-rebuild` empties them all and replays every feed."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import ParticipantStatus, StageCode, TrackStatus, one_of
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Phase(Base):
    """A cohort the feeds have named (by a phase event, or by a participant of it)."""

    __tablename__ = "phases"

    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    name: Mapped[str | None] = mapped_column(sa.Text)
    year: Mapped[int | None] = mapped_column(sa.Integer)
    quota: Mapped[int | None] = mapped_column(sa.Integer)


class Participant(Base):
    """A region's application to a phase and where the flow has taken it."""

    __tablename__ = "participants"
    __table_args__ = (sa.CheckConstraint(one_of("status", ParticipantStatus), name="status_known"),)

    participant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    province_code: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    time_zone: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    # status -> when the participant first reached it (ISO 8601): the funnel counts these
    reached: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class Track(Base):
    """A participant's mentoring track: its stage and whether it is still active."""

    __tablename__ = "tracks"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", TrackStatus), name="status_known"),
        sa.CheckConstraint(one_of("stage", StageCode), name="stage_known"),
    )

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    province_code: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    stage: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.Text)
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Document(Base):
    """A region's document: its kind, how many versions, whether it was deleted."""

    __tablename__ = "documents"

    document_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    kind: Mapped[str] = mapped_column(sa.Text)
    versions: Mapped[int] = mapped_column(sa.Integer)
    deleted: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class RegionStatistics(Base):
    """A kabupaten/kota's population and area, as the participants service last recorded them."""

    __tablename__ = "region_statistics"

    code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    population_male: Mapped[int] = mapped_column(sa.BigInteger)
    population_female: Mapped[int] = mapped_column(sa.BigInteger)
    population: Mapped[int] = mapped_column(sa.BigInteger)
    area_km2: Mapped[Decimal] = mapped_column(sa.Numeric(12, 3))
