"""A deliverable's status: the mentoring service moves it, the reports service reads it from its feed."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class DeliverableStatus(StrEnum):
    """submitted -> approved | changes_requested; a new submission of the kind supersedes the live one."""

    SUBMITTED = "submitted"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    SUPERSEDED = "superseded"


# what a review decides: the deliverable's next status
ReviewDecision = Literal[DeliverableStatus.APPROVED, DeliverableStatus.CHANGES_REQUESTED]
