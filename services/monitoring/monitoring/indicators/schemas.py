"""API models of the catalogue and of indicators attached to initiatives."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, FiniteFloat
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import Dimension

from ..vocabulary import Direction, Unit

Year = Field(ge=1990, le=2200)


class CatalogueIndicatorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name_id: str = Field(description="The name in Indonesian.")
    name_en: str = Field(description="The name in English.")
    unit: Unit
    direction: Direction
    dimension: Dimension
    reference: str | None = Field(description="The matching ISO 37122 / ISO 37120 / ITU U4SSC KPI, where one exists.")


class OwnIndicator(StrictModel):
    """An indicator of the region's own, when the catalogue has none that fits."""

    name: str = Field(min_length=1, max_length=300)
    unit: Unit
    direction: Direction


class Baseline(StrictModel):
    value: FiniteFloat
    year: int = Year


class Target(StrictModel):
    year: int = Year
    value: FiniteFloat


class Targets(StrictModel):
    """The baseline and the target of each year inside the initiative's span."""

    baseline: Baseline
    targets: list[Target] = Field(min_length=1, max_length=30)


class AttachIn(Targets):
    """A catalogue indicator (`indicator_code`) or the region's own (`own`): exactly one of the two."""

    indicator_code: str | None = Field(None, max_length=64, examples=["online_services_share"])
    own: OwnIndicator | None = None


class TrackedIndicatorOut(BaseModel):
    id: uuid.UUID
    initiative_id: uuid.UUID
    region_code: str
    indicator_code: str | None
    name: str
    unit: Unit
    direction: Direction
    baseline: Baseline
    targets: list[Target]
    version: int
    created_at: datetime
    created_by: str
    updated_at: datetime
    updated_by: str
