"""`GET /api/v1/reports/mentoring`: deliverables, workshops and mentors' load as JSON, CSV or XLSX."""

from __future__ import annotations

from fastapi import APIRouter

from ..exports.route import report_route
from .schemas import MentoringReport
from .service import mentoring_report

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
report_route(
    router,
    "mentoring",
    MentoringReport,
    mentoring_report,
    "Mentoring: deliverables submitted, reviewed and waiting (with their age), workshops and attendance, mentors' load",
)
