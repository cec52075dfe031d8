"""Phases (tahap): the yearly cohorts with their quota and registration window."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Phase(Base):
    __tablename__ = "phases"
    __table_args__ = (
        sa.CheckConstraint("quota >= 1", name="quota_positive"),
        sa.CheckConstraint("registration_closes_on >= registration_opens_on", name="window_ordered"),
    )

    code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    year: Mapped[int] = mapped_column(sa.Integer)
    quota: Mapped[int] = mapped_column(sa.Integer)
    registration_opens_on: Mapped[date] = mapped_column(sa.Date)
    registration_closes_on: Mapped[date] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
