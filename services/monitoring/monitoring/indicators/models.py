"""The indicator catalogue (seeded by a migration) and indicators attached to initiatives."""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from smartcity_vocabulary import Dimension, one_of
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import Direction, Unit


class CatalogueIndicator(Base):
    __tablename__ = "indicators"
    __table_args__ = (
        sa.CheckConstraint(one_of("direction", Direction), name="direction_known"),
        sa.CheckConstraint(one_of("unit", Unit), name="unit_known"),
        sa.CheckConstraint(one_of("dimension", Dimension), name="dimension_known"),
    )

    code: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    name_id: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str] = mapped_column(sa.Text)
    unit: Mapped[str] = mapped_column(sa.String(16))
    direction: Mapped[str] = mapped_column(sa.String(16))
    dimension: Mapped[str] = mapped_column(sa.String(32))
    # the matching ISO 37122 / ISO 37120 / ITU U4SSC KPI, where one exists
    reference: Mapped[str | None] = mapped_column(sa.Text)


class TrackedIndicator(Base):
    """An indicator a region measures for one initiative: a catalogue one or its own, baseline and targets."""

    __tablename__ = "tracked_indicators"
    __table_args__ = (
        sa.CheckConstraint(one_of("direction", Direction), name="direction_known"),
        sa.CheckConstraint(one_of("unit", Unit), name="unit_known"),
        sa.Index(
            None, "initiative_id", "indicator_code", unique=True, postgresql_where=sa.text("indicator_code IS NOT NULL")
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    initiative_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("initiatives.id"), index=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    # a catalogue indicator, or none for the region's own (name, unit and direction are then the region's)
    indicator_code: Mapped[str | None] = mapped_column(sa.String(64), sa.ForeignKey("indicators.code"))
    name: Mapped[str] = mapped_column(sa.Text)
    unit: Mapped[str] = mapped_column(sa.String(16))
    direction: Mapped[str] = mapped_column(sa.String(16))
    baseline_value: Mapped[float] = mapped_column(sa.Double)
    baseline_year: Mapped[int] = mapped_column(sa.SmallInteger)
    # {"2027": 55.0, ...}: the target of each year inside the initiative's span
    targets: Mapped[dict[str, Any]] = mapped_column(JSONB)
    version: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    created_by: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_by: Mapped[str] = mapped_column(sa.Text)
