"""`GET /api/v1/reports/masterplans`: approved plans, initiatives per dimension and element, horizons."""

from __future__ import annotations

from fastapi import APIRouter

from ..exports.route import report_route
from .schemas import MasterPlansReport
from .service import masterplans_report

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
report_route(
    router,
    "masterplans",
    MasterPlansReport,
    masterplans_report,
    "Master plans: plans approved, initiatives and quick wins per dimension and element, horizon lengths",
)
