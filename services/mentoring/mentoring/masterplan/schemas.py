"""API models of the master plan.

Dimension and element are plain strings here so that a wrong pair is reported
with every other problem of the plan in one 422 (see validation.py).
"""

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from smartcity_kit.schemas import StrictModel

from ..vocabulary import MasterPlanStatus

Text = Annotated[str, Field(max_length=5000)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class Initiative(StrictModel):
    dimension: str = Field(max_length=32, examples=["governance"])
    element: str = Field(max_length=32, examples=["service"])
    title: str = Field(min_length=1, max_length=300)
    benefit: Text | None = Field(None, description="The benefit to citizens, stated before any technology.")
    beneficiaries: Text | None = Field(None, description="Who benefits.")
    kpi: Text | None = None
    technology: Text | None = None
    start_year: Year
    end_year: Year = Field(description="Inclusive: 2026-2026 runs within 2026.")
    quick_win: bool = Field(
        False, description="Delivers within 12 months: covers at most 2 calendar years (`end_year - start_year <= 1`)."
    )
    lead_agency: str | None = Field(None, max_length=300, description="The OPD that leads it.")


class MasterPlanIn(StrictModel):
    vision: str = Field(min_length=1, max_length=5000)
    horizon_start_year: Year
    horizon_end_year: Year = Field(
        description="Inclusive; the horizon covers 5 to 10 calendar years (2026-2030 is 5, 2026-2035 is 10)."
    )
    initiatives: list[Initiative] = Field(max_length=500)


class RoadmapEntry(BaseModel):
    index: int = Field(description="Position of the initiative in `initiatives`.")
    title: str
    quick_win: bool


class RoadmapYear(BaseModel):
    year: int
    dimensions: dict[str, list[RoadmapEntry]]


class MasterPlanOut(BaseModel):
    track_id: uuid.UUID
    vision: str
    horizon_start_year: int
    horizon_end_year: int
    initiatives: list[Initiative]
    status: MasterPlanStatus
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str
    approved_at: datetime | None
    approved_by: str | None
    roadmap: list[RoadmapYear]
