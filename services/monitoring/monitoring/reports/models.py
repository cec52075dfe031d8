"""A region's report for a period: its indicator values, its initiatives' statuses, and its history."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import ReportStatus, one_of
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import InitiativeStatus


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", ReportStatus), name="status_known"),
        # one report per region and period, whatever the number of replicas writing at once
        sa.UniqueConstraint("period_code", "region_code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    period_code: Mapped[str] = mapped_column(sa.String(16), sa.ForeignKey("periods.code"))
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), server_default=ReportStatus.DRAFT)
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    # the first submission decides timeliness; `late` when it came after `due_on` in the region's zone
    first_submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    late: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # an operator let this region submit after `locks_on` (or after the period was locked)
    reopened: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(sa.Text)
    decision_comment: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_by: Mapped[str] = mapped_column(sa.Text)


class ReportValue(Base):
    __tablename__ = "report_values"

    report_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("reports.id"), primary_key=True)
    tracked_indicator_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("tracked_indicators.id"), primary_key=True
    )
    value: Mapped[float] = mapped_column(sa.Double)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    evidence_document_ids: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")


class ReportInitiative(Base):
    __tablename__ = "report_initiatives"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", InitiativeStatus), name="status_known"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_in_range"),
    )

    report_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("reports.id"), primary_key=True)
    initiative_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("initiatives.id"), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    progress: Mapped[float] = mapped_column(sa.Double)
    note: Mapped[str | None] = mapped_column(sa.Text)


class ReportChange(Base):
    """One transition of a report: who, when, from what to what, and why."""

    __tablename__ = "report_history"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("reports.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    actor: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
