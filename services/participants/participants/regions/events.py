"""The events of regions: a region's population or area changed (the reports count people reached from it)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from .models import Region


class RegionStatisticsUpdated(EventData):
    """A region's population and area as they now are (a province's or a kabupaten/kota's)."""

    event_type = "region.statistics_updated"
    example: ClassVar[dict[str, Any]] = {
        "code": "32.73",
        "region_code": "32.73",
        "population_male": 1281473,
        "population_female": 1288610,
        "population": 2570083,
        "area_km2": 167.67,
    }

    code: str
    region_code: str | None = Field(description="The code again when it is a kabupaten/kota's, else null.")
    population_male: int
    population_female: int
    population: int
    area_km2: float = Field(description="Square kilometres, at most three decimals.")


async def statistics_updated(session: AsyncSession, region: Region) -> None:
    assert region.population is not None and region.area_km2 is not None
    data = RegionStatisticsUpdated(
        code=region.code,
        region_code=region.code if region.level == "regency_city" else None,
        population_male=region.population_male or 0,
        population_female=region.population_female or 0,
        population=region.population,
        area_km2=float(region.area_km2),
    )
    await record(session, events, f"regions/{region.code}", data)
