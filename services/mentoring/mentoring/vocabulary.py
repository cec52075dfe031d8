"""Mentoring's own words, each set spelt once: the tables' CHECKs and the API's enums are derived from them.

The words other services speak too (track status, stage codes, document kinds,
dimensions, time zones) are in `smartcity_vocabulary`.
"""

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


class MasterPlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class WorkshopMode(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
