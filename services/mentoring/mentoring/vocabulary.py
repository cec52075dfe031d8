"""Mentoring's own words, each set spelt once: the tables' CHECKs and the API's enums are derived from them.

The words other services speak too (track status, stage codes, deliverable status,
document kinds, dimensions, time zones) are in `smartcity_vocabulary`.
"""

from __future__ import annotations

from enum import StrEnum


class MasterPlanStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class WorkshopMode(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"
