"""Reminders already recorded: the key that makes each one happen once per region, period and kind."""

from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import ReminderKind


class Reminder(Base):
    __tablename__ = "reminders"
    __table_args__ = (sa.CheckConstraint(one_of("kind", ReminderKind), name="kind_known"),)

    period_code: Mapped[str] = mapped_column(sa.String(16), sa.ForeignKey("periods.code"), primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
