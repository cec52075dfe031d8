"""Reporting periods: a span, a date reports are due and a date after which they are refused."""

from datetime import date, datetime

import sqlalchemy as sa
from smartcity_vocabulary import one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import PeriodStatus


class Period(Base):
    __tablename__ = "periods"
    __table_args__ = (
        sa.CheckConstraint(one_of("status", PeriodStatus), name="status_known"),
        sa.CheckConstraint(
            "starts_on <= ends_on AND starts_on <= due_on AND due_on <= locks_on", name="dates_in_order"
        ),
    )

    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    starts_on: Mapped[date] = mapped_column(sa.Date)
    ends_on: Mapped[date] = mapped_column(sa.Date)
    due_on: Mapped[date] = mapped_column(sa.Date)
    locks_on: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(sa.String(16), server_default=PeriodStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    opened_by: Mapped[str] = mapped_column(sa.Text)
    locked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    locked_by: Mapped[str | None] = mapped_column(sa.Text)
