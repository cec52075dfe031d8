"""The programme's words as the reports show them, in Indonesian and English; the sets themselves are
`smartcity_vocabulary`'s (the reports read them in the feeds), derived here as plain strings."""

from __future__ import annotations

from typing import Literal

from smartcity_vocabulary import ELEMENTS, Dimension, ParticipantStatus, StageCode, TimeZone, TrackStatus

Lang = Literal["id", "en"]

# the participant flow of the participants service, in the order a report lists it
STATUSES = tuple(str(s) for s in ParticipantStatus)
# the steps of the funnel: how many participants ever reached each (waitlisted, rejected, withdrawn are side exits)
FUNNEL = tuple(
    str(s)
    for s in (
        ParticipantStatus.APPLIED,
        ParticipantStatus.ASSESSED,
        ParticipantStatus.SELECTED,
        ParticipantStatus.MOU_SIGNED,
        ParticipantStatus.MENTORING,
        ParticipantStatus.COMPLETED,
    )
)
# a region whose MoU is signed is one the programme reaches
REACHED = tuple(
    str(s) for s in (ParticipantStatus.MOU_SIGNED, ParticipantStatus.MENTORING, ParticipantStatus.COMPLETED)
)
# statuses that no longer take part
LEFT = tuple(str(s) for s in (ParticipantStatus.REJECTED, ParticipantStatus.WITHDRAWN))

STAGES = tuple(str(s) for s in StageCode)
FIRST_STAGE = STAGES[0]
TRACK_STATUSES = tuple(str(s) for s in TrackStatus)
TIME_ZONES = tuple(str(z) for z in TimeZone)
# the six dimensions of a master plan and their elements (BRIEF.md)
DIMENSIONS: dict[str, tuple[str, ...]] = {str(d): tuple(str(e) for e in es) for d, es in ELEMENTS.items()}
# how long a deliverable has waited for its review, in whole days: the buckets of the mentoring report
WAIT_BUCKETS = (("0-7", 0, 7), ("8-14", 8, 14), ("15-30", 15, 30), ("31+", 31, None))

LABELS: dict[str, dict[str, str]] = {
    ParticipantStatus.APPLIED: {"id": "Mendaftar", "en": "Applied"},
    ParticipantStatus.ASSESSED: {"id": "Dinilai", "en": "Assessed"},
    ParticipantStatus.SELECTED: {"id": "Terpilih", "en": "Selected"},
    ParticipantStatus.WAITLISTED: {"id": "Daftar tunggu", "en": "Waitlisted"},
    ParticipantStatus.REJECTED: {"id": "Ditolak", "en": "Rejected"},
    ParticipantStatus.MOU_SIGNED: {"id": "MoU ditandatangani", "en": "MoU signed"},
    ParticipantStatus.MENTORING: {"id": "Pendampingan", "en": "Mentoring"},
    ParticipantStatus.COMPLETED: {"id": "Selesai", "en": "Completed"},
    ParticipantStatus.WITHDRAWN: {"id": "Mengundurkan diri", "en": "Withdrawn"},
    StageCode.BIMTEK_1: {"id": "Bimtek I", "en": "Workshop I"},
    StageCode.BIMTEK_2: {"id": "Bimtek II", "en": "Workshop II"},
    StageCode.BIMTEK_3: {"id": "Bimtek III", "en": "Workshop III"},
    StageCode.BIMTEK_4: {"id": "Bimtek IV", "en": "Workshop IV"},
    Dimension.GOVERNANCE: {"id": "Smart Governance", "en": "Smart Governance"},
    Dimension.BRANDING: {"id": "Smart Branding", "en": "Smart Branding"},
    Dimension.ECONOMY: {"id": "Smart Economy", "en": "Smart Economy"},
    Dimension.LIVING: {"id": "Smart Living", "en": "Smart Living"},
    Dimension.SOCIETY: {"id": "Smart Society", "en": "Smart Society"},
    Dimension.ENVIRONMENT: {"id": "Smart Environment", "en": "Smart Environment"},
    "0-7": {"id": "0-7 hari", "en": "0-7 days"},
    "8-14": {"id": "8-14 hari", "en": "8-14 days"},
    "15-30": {"id": "15-30 hari", "en": "15-30 days"},
    "31+": {"id": "lebih dari 30 hari", "en": "over 30 days"},
    TimeZone.WIB: {"id": "WIB", "en": "WIB (UTC+7)"},
    TimeZone.WITA: {"id": "WITA", "en": "WITA (UTC+8)"},
    TimeZone.WIT: {"id": "WIT", "en": "WIT (UTC+9)"},
}


def label(word: str, lang: Lang = "id") -> str:
    return LABELS.get(word, {}).get(lang, word)
