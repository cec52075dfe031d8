"""`GET /api/v1/reports/monitoring`: reporting per period, timeliness, regions not reporting."""

from __future__ import annotations

from fastapi import APIRouter

from ..exports.route import report_route
from .schemas import MonitoringReport
from .service import monitoring_report

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
report_route(
    router,
    "monitoring",
    MonitoringReport,
    monitoring_report,
    "Monitoring: reports per period submitted on time or late, accepted or returned, and the regions not reporting",
)
