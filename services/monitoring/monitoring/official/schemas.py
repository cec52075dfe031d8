"""API models of official indices: a year's values for many regions at once, and what was published."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat
from smartcity_kit.schemas import StrictModel

from ..vocabulary import REGION_CODE, OfficialIndex


class OfficialValueIn(StrictModel):
    region_code: str = Field(pattern=REGION_CODE, examples=["32.73"])
    value: FiniteFloat = Field(ge=0, le=100)


class OfficialValuesIn(StrictModel):
    values: list[OfficialValueIn] = Field(min_length=1, max_length=1000)


class OfficialValueOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    index: OfficialIndex
    year: int
    region_code: str
    value: float
    organization: str
    published_at: datetime
    published_by: str


class PublishedOut(BaseModel):
    index: OfficialIndex
    year: int
    organization: str
    received: int = Field(description="Values in the request.")
    changed: int = Field(description="Values new or different from what was published: one event each.")
