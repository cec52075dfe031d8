"""The master plans report as the API returns it; each list is a table of the CSV and XLSX forms."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..overview.schemas import ScopeOut


class PlansSummary(BaseModel):
    plans_approved: int
    initiatives: int
    quick_wins: int
    average_initiatives: float = Field(description="Initiatives per approved plan (0 when none).")
    average_horizon_years: float = Field(description="Calendar years a plan covers, on average (2026-2030 is 5).")


class DimensionRow(BaseModel):
    dimension: str
    label: str
    initiatives: int
    quick_wins: int
    plans: int = Field(description="Approved plans with at least one initiative in the dimension.")


class ElementRow(BaseModel):
    dimension: str
    element: str
    initiatives: int
    quick_wins: int


class HorizonRow(BaseModel):
    years: int
    plans: int


class MasterPlansReport(BaseModel):
    scope: ScopeOut
    summary: PlansSummary
    dimensions: list[DimensionRow]
    elements: list[ElementRow]
    horizons: list[HorizonRow]
