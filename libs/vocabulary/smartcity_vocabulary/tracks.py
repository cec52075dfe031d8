"""A mentoring track's status and the code of its stage: the mentoring service moves them, the others read its feed."""

from __future__ import annotations

from enum import StrEnum


class TrackStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class StageCode(StrEnum):
    """The four technical guidance workshops (Bimtek I-IV), in order: a track moves from one to the next."""

    BIMTEK_1 = "bimtek_1"
    BIMTEK_2 = "bimtek_2"
    BIMTEK_3 = "bimtek_3"
    BIMTEK_4 = "bimtek_4"
