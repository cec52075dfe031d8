"""API models of regions."""

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel
from smartcity_vocabulary import TimeZone


class RegionOut(BaseModel):
    code: str
    name: str
    level: Literal["province", "regency_city"]
    kind: Literal["provinsi", "kabupaten", "kota"]
    province_code: str | None
    province_name: str | None
    time_zone: TimeZone
    time_zone_abbreviation: Literal["WIB", "WITA", "WIT"]
    population_male: int | None = None
    population_female: int | None = None
    population: int | None = None
    area_km2: Decimal | None = None


class ImportResult(BaseModel):
    created: int
    updated: int
    unchanged: int
