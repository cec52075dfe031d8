"""`GET /api/v1/reports/overview`: the programme overview as JSON, CSV or XLSX."""

from __future__ import annotations

from fastapi import APIRouter

from ..exports.route import report_route
from .schemas import Overview
from .service import overview

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
report_route(
    router,
    "overview",
    Overview,
    overview,
    "The programme overview: funnel, provinces, time zones, MoUs, tracks per stage, completion",
)
