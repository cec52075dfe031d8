"""Official indices as the ministries that own them publish them: one value per index, year and region."""

from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import one_of
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base
from ..vocabulary import OfficialIndex


class OfficialValue(Base):
    __tablename__ = "official_values"
    __table_args__ = (
        sa.CheckConstraint(one_of("index", OfficialIndex), name="index_known"),
        sa.CheckConstraint("value >= 0 AND value <= 100", name="value_in_range"),
        sa.Index(None, "region_code", "index", "year"),
    )

    index: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    year: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    region_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    value: Mapped[float] = mapped_column(sa.Double)
    organization: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    published_by: Mapped[str] = mapped_column(sa.Text)
