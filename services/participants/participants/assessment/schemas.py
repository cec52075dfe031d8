"""The assessment body: four official indicators and three interview scores, each 0-100.

An official indicator left out (or null) is taken from the latest value its
ministry published for the region (official/fill.py); the answer's `sources`
says so.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from smartcity_kit.schemas import StrictModel

Score = Annotated[int, Field(ge=0, le=100)]


class AssessmentIn(StrictModel):
    fiscal_capacity: Score | None = Field(
        None, description="Kemampuan Keuangan Daerah (Kemenkeu); left out: the latest published value."
    )
    green_city_index: Score | None = Field(
        None, description="Indeks Kota Hijau (PUPR); left out: the latest published value."
    )
    government_performance_index: Score | None = Field(
        None, description="Indeks Kinerja Pemerintah Daerah (Kemendagri); left out: the latest published value."
    )
    sustainable_city_index: Score | None = Field(
        None,
        description="Indeks Kota Berkelanjutan (Bappenas): for a kota (left out: the latest published value), "
        "null for a kabupaten.",
    )
    infrastructure: Score = Field(description="Interview: infrastruktur.")
    superstructure: Score = Field(description="Interview: suprastruktur (regulations, institutions, budget).")
    leadership_vision: Score = Field(description="Interview: the regional head's vision.")
