"""The results of accepted reports, kept per region and period so that lists across regions stay cheap.

A row is written when a report is accepted and again when a target or baseline
it used changes; nothing of a report that is not accepted ever reaches it.
"""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class RegionResult(Base):
    __tablename__ = "region_results"
    __table_args__ = (
        # the list across regions, sorted by achievement with the region as tie-breaker
        sa.Index(None, "period_code", "achievement", "region_code"),
    )

    period_code: Mapped[str] = mapped_column(sa.String(16), sa.ForeignKey("periods.code"), primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    report_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, sa.ForeignKey("reports.id"))
    phase_codes: Mapped[list[str]] = mapped_column(JSONB)
    province_code: Mapped[str] = mapped_column(sa.String(2))
    # the mean of the indicators' achievements (0-1); none when no indicator had a target that year
    achievement: Mapped[float | None] = mapped_column(sa.Double)
    progress: Mapped[float | None] = mapped_column(sa.Double)
    on_time: Mapped[bool] = mapped_column(sa.Boolean)
    dimensions: Mapped[dict[str, Any]] = mapped_column(JSONB)
    indicators: Mapped[list[Any]] = mapped_column(JSONB)
    initiatives: Mapped[list[Any]] = mapped_column(JSONB)
    accepted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
