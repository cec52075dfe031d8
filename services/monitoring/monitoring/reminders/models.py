"""Reminders already recorded: the key that makes each one happen once per region, period and kind."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import in_list

KINDS = ("due_in_7_days", "due_in_1_day", "overdue")


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (sa.CheckConstraint(in_list("kind", KINDS), name="kind_known"),)

    period_code: Mapped[str] = mapped_column(sa.String(16), sa.ForeignKey("periods.code"), primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
