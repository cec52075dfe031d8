"""A region's report for a monitoring period: the monitoring service moves its status, the reports service reads
it from its feed."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class ReportStatus(StrEnum):
    """A region's report for a period: draft -> submitted -> accepted | returned (-> submitted again)."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


# what a verification decides: the report's next status
ReportDecision = Literal[ReportStatus.ACCEPTED, ReportStatus.RETURNED]
