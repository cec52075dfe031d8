"""The master plan of a track: one structured document, versioned for If-Match, frozen once approved."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import one_of
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import MasterPlanStatus


class MasterPlan(Base):
    __tablename__ = "masterplans"
    __table_args__ = (sa.CheckConstraint(one_of("status", MasterPlanStatus), name="status_known"),)

    track_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("tracks.id"), primary_key=True)
    vision: Mapped[str] = mapped_column(sa.Text)
    horizon_start_year: Mapped[int] = mapped_column(sa.SmallInteger)
    horizon_end_year: Mapped[int] = mapped_column(sa.SmallInteger)
    initiatives: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    status: Mapped[str] = mapped_column(sa.String(16), server_default=MasterPlanStatus.DRAFT)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_by: Mapped[str] = mapped_column(sa.Text)
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(sa.Text)
