"""The programme's fixed words as the reports show them: statuses, stages, time zones, in Indonesian and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["id", "en"]

# the participant flow of the participants service, in the order a report lists it
STATUSES = (
    "applied",
    "assessed",
    "selected",
    "waitlisted",
    "rejected",
    "mou_signed",
    "mentoring",
    "completed",
    "withdrawn",
)
# the steps of the funnel: how many participants ever reached each (waitlisted, rejected, withdrawn are side exits)
FUNNEL = ("applied", "assessed", "selected", "mou_signed", "mentoring", "completed")
# a region whose MoU is signed is one the programme reaches
REACHED = ("mou_signed", "mentoring", "completed")
# statuses that no longer take part
LEFT = ("rejected", "withdrawn")

STAGES = ("bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4")
FIRST_STAGE = STAGES[0]
TRACK_STATUSES = ("active", "completed", "withdrawn")
TIME_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
# the six dimensions of a master plan and their elements (BRIEF.md), as the mentoring service spells them
DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "governance": ("service", "bureaucracy", "policy"),
    "branding": ("tourism", "business", "city_appearance"),
    "economy": ("industry", "welfare", "transaction"),
    "living": ("harmony", "health", "mobility"),
    "society": ("community", "learning", "security"),
    "environment": ("protection", "waste", "energy"),
}
# how long a deliverable has waited for its review, in whole days: the buckets of the mentoring report
WAIT_BUCKETS = (("0-7", 0, 7), ("8-14", 8, 14), ("15-30", 15, 30), ("31+", 31, None))

LABELS: dict[str, dict[str, str]] = {
    "applied": {"id": "Mendaftar", "en": "Applied"},
    "assessed": {"id": "Dinilai", "en": "Assessed"},
    "selected": {"id": "Terpilih", "en": "Selected"},
    "waitlisted": {"id": "Daftar tunggu", "en": "Waitlisted"},
    "rejected": {"id": "Ditolak", "en": "Rejected"},
    "mou_signed": {"id": "MoU ditandatangani", "en": "MoU signed"},
    "mentoring": {"id": "Pendampingan", "en": "Mentoring"},
    "completed": {"id": "Selesai", "en": "Completed"},
    "withdrawn": {"id": "Mengundurkan diri", "en": "Withdrawn"},
    "bimtek_1": {"id": "Bimtek I", "en": "Workshop I"},
    "bimtek_2": {"id": "Bimtek II", "en": "Workshop II"},
    "bimtek_3": {"id": "Bimtek III", "en": "Workshop III"},
    "bimtek_4": {"id": "Bimtek IV", "en": "Workshop IV"},
    "governance": {"id": "Smart Governance", "en": "Smart Governance"},
    "branding": {"id": "Smart Branding", "en": "Smart Branding"},
    "economy": {"id": "Smart Economy", "en": "Smart Economy"},
    "living": {"id": "Smart Living", "en": "Smart Living"},
    "society": {"id": "Smart Society", "en": "Smart Society"},
    "environment": {"id": "Smart Environment", "en": "Smart Environment"},
    "0-7": {"id": "0-7 hari", "en": "0-7 days"},
    "8-14": {"id": "8-14 hari", "en": "8-14 days"},
    "15-30": {"id": "15-30 hari", "en": "15-30 days"},
    "31+": {"id": "lebih dari 30 hari", "en": "over 30 days"},
    "Asia/Jakarta": {"id": "WIB", "en": "WIB (UTC+7)"},
    "Asia/Makassar": {"id": "WITA", "en": "WITA (UTC+8)"},
    "Asia/Jayapura": {"id": "WIT", "en": "WIT (UTC+9)"},
}


def label(word: str, lang: Lang = "id") -> str:
    return LABELS.get(word, {}).get(lang, word)


# Indonesia's three time zones by province code (BRIEF.md), for an event that does not name the zone
_ZONES = [
    (11, 21, "Asia/Jakarta"),
    (31, 36, "Asia/Jakarta"),
    (51, 53, "Asia/Makassar"),
    (61, 62, "Asia/Jakarta"),
    (63, 65, "Asia/Makassar"),
    (71, 76, "Asia/Makassar"),
    (81, 82, "Asia/Jayapura"),
    (91, 96, "Asia/Jayapura"),
]


def time_zone_of(region_code: str) -> str:
    head = region_code[:2]
    if head.isdigit():
        for low, high, zone in _ZONES:
            if low <= int(head) <= high:
                return zone
    return "Asia/Jakarta"
