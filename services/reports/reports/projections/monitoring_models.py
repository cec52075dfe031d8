"""Projection tables of monitoring: reporting periods, the regions that must report (their portfolios), and
each region's report per period (submitted, late, accepted, returned, overdue) with its result."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import ReportStatus, one_of
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class MonitoringPeriod(Base):
    __tablename__ = "monitoring_periods"

    period_code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer)
    due_on: Mapped[date] = mapped_column(sa.Date)
    locks_on: Mapped[date] = mapped_column(sa.Date)
    locked: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())


class Portfolio(Base):
    """An approved plan followed by monitoring: its region reports every period."""

    __tablename__ = "portfolios"

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.Text, index=True)
    province_code: Mapped[str] = mapped_column(sa.Text)
    phase_code: Mapped[str] = mapped_column(sa.Text, index=True)
    initiatives: Mapped[int] = mapped_column(sa.Integer)


class PeriodReport(Base):
    """A region's report for a period, as far as the feed told it (null status: never submitted), and its result
    once accepted: the mean achievement (0-1) over all its indicators and per dimension."""

    __tablename__ = "period_reports"
    # null: never submitted (a draft is the region's own business, never in the feed)
    __table_args__ = (sa.CheckConstraint(one_of("status", ReportStatus), name="status_known"),)

    period_code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    status: Mapped[str | None] = mapped_column(sa.Text)
    late: Mapped[bool | None] = mapped_column(sa.Boolean)
    overdue: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    achievement: Mapped[float | None] = mapped_column(sa.Double)
    dimensions: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
