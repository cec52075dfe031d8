"""Official indices as their ministries published them (from monitoring's feed), the latest year per index kept."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base

# the four official indicators of the assessment, as the ministries that own them publish them
INDICES = ("fiscal_capacity", "green_city_index", "government_performance_index", "sustainable_city_index")


class PublishedIndex(Base):
    __tablename__ = "published_indices"

    region_code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    index: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    year: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    value: Mapped[float] = mapped_column(sa.Double)
    organization: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
