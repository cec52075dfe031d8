"""A participant's status: the participants service moves it, the others read it from its feed."""

from __future__ import annotations

from enum import StrEnum


class ParticipantStatus(StrEnum):
    """Where a region's application stands, in the order of the flow (side exits last)."""

    APPLIED = "applied"
    ASSESSED = "assessed"
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    MOU_SIGNED = "mou_signed"
    MENTORING = "mentoring"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
