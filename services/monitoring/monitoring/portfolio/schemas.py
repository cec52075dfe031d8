"""API models of portfolios and initiatives (read-only: they come from mentoring's approved plans)."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class InitiativeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    track_id: uuid.UUID
    region_code: str
    index: int
    dimension: str
    element: str
    title: str
    benefit: str | None
    beneficiaries: str | None
    kpi: str | None
    technology: str | None
    start_year: int
    end_year: int
    quick_win: bool
    lead_agency: str | None


class PortfolioOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    plan_version: int
    vision: str
    horizon_start_year: int
    horizon_end_year: int
    approved_at: datetime
    approved_by: str
    created_at: datetime


class PortfolioDetail(PortfolioOut):
    initiatives: list[InitiativeOut]
