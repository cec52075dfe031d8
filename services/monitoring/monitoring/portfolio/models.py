"""A region's portfolio: the initiatives of its approved master plan, as mentoring announced them."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import Dimension, one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Portfolio(Base):
    """One approved master plan (one per track): the event's track id is its key, so a replay adds nothing."""

    __tablename__ = "portfolios"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    participant_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    plan_version: Mapped[int] = mapped_column(sa.Integer)
    vision: Mapped[str] = mapped_column(sa.Text)
    horizon_start_year: Mapped[int] = mapped_column(sa.SmallInteger)
    horizon_end_year: Mapped[int] = mapped_column(sa.SmallInteger)
    approved_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    approved_by: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())


class Initiative(Base):
    __tablename__ = "initiatives"
    __table_args__ = (
        sa.CheckConstraint(one_of("dimension", Dimension), name="dimension_known"),
        sa.CheckConstraint("start_year <= end_year", name="years_in_order"),
        sa.UniqueConstraint("track_id", "index"),
    )

    # the id mentoring gave the initiative: stable, so indicators and reports can name it
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("portfolios.track_id"))
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    index: Mapped[int] = mapped_column(sa.SmallInteger)
    dimension: Mapped[str] = mapped_column(sa.String(32))
    element: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.Text)
    benefit: Mapped[str | None] = mapped_column(sa.Text)
    beneficiaries: Mapped[str | None] = mapped_column(sa.Text)
    kpi: Mapped[str | None] = mapped_column(sa.Text)
    technology: Mapped[str | None] = mapped_column(sa.Text)
    start_year: Mapped[int] = mapped_column(sa.SmallInteger)
    end_year: Mapped[int] = mapped_column(sa.SmallInteger)
    quick_win: Mapped[bool] = mapped_column(sa.Boolean)
    lead_agency: Mapped[str | None] = mapped_column(sa.Text)


class RegionMentor(Base):
    """A mentor assigned to a region's track (from mentoring's feed): who may verify the region's reports."""

    __tablename__ = "region_mentors"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    mentor_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    mentor_email: Mapped[str | None] = mapped_column(sa.Text)
