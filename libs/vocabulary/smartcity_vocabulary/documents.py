"""The kinds of document the documents service keeps; a mentoring deliverable is one of them."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    MOU = "mou"
    READINESS_REPORT = "readiness_report"
    STRATEGIC_ANALYSIS = "strategic_analysis"
    QUICK_WIN_LIST = "quick_win_list"
    MASTERPLAN_DRAFT = "masterplan_draft"
    MASTERPLAN_FINAL = "masterplan_final"
    COMMITMENT_SHEET = "commitment_sheet"
    MINUTES = "minutes"
    OTHER = "other"
