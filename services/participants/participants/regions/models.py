"""The region table: provinces and kabupaten/kota with their Kemendagri codes."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class Region(Base):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    name: Mapped[str] = mapped_column(sa.Text)
    level: Mapped[str] = mapped_column(sa.String(16))  # province | regency_city
    kind: Mapped[str] = mapped_column(sa.String(16))  # provinsi | kabupaten | kota
    province_code: Mapped[str | None] = mapped_column(sa.String(2), index=True)
    province_name: Mapped[str | None] = mapped_column(sa.Text)
    time_zone: Mapped[str] = mapped_column(sa.Text)
    # the official figures, from POST /api/v1/regions/statistics (null until imported)
    population_male: Mapped[int | None] = mapped_column(sa.BigInteger)
    population_female: Mapped[int | None] = mapped_column(sa.BigInteger)
    population: Mapped[int | None] = mapped_column(sa.BigInteger)
    area_km2: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 3))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
