"""The assessment body: four official indicators and three interview scores, each 0-100."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from smartcity_kit.schemas import StrictModel

Score = Annotated[int, Field(ge=0, le=100)]


class AssessmentIn(StrictModel):
    fiscal_capacity: Score = Field(description="Kemampuan Keuangan Daerah.")
    green_city_index: Score = Field(description="Indeks Kota Hijau (PUPR).")
    government_performance_index: Score = Field(description="Indeks Kinerja Pemerintah Daerah (Kemendagri).")
    sustainable_city_index: Score | None = Field(
        description="Indeks Kota Berkelanjutan (Bappenas): required for a kota, null for a kabupaten."
    )
    infrastructure: Score = Field(description="Interview: infrastruktur.")
    superstructure: Score = Field(description="Interview: suprastruktur (regulations, institutions, budget).")
    leadership_vision: Score = Field(description="Interview: the regional head's vision.")
