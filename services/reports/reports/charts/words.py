"""The words on the charts, in Indonesian and English."""

from __future__ import annotations

from ..provinces import BY_CODE
from ..scope import Scope
from ..vocabulary import Lang

WORDS: dict[str, dict[str, str]] = {
    "funnel": {"id": "Corong peserta", "en": "Participant funnel"},
    "participants": {"id": "Peserta", "en": "Participants"},
    "stages": {"id": "Jalur pendampingan per tahap", "en": "Mentoring tracks per stage"},
    "tracks": {"id": "Jalur", "en": "Tracks"},
    "completed": {"id": "Selesai", "en": "Completed"},
    "map": {"id": "Peserta per provinsi", "en": "Participants per province"},
    "taking_part": {"id": "ikut serta", "en": "taking part"},
    "no_data": {"id": "Belum ada data", "en": "No data yet"},
    "waiting": {
        "id": "Deliverable menunggu review, menurut lama menunggu",
        "en": "Deliverables waiting for review, by age",
    },
    "deliverables": {"id": "Deliverable", "en": "Deliverables"},
    "initiatives": {"id": "Inisiatif per dimensi", "en": "Initiatives per dimension"},
    "initiative_count": {"id": "Inisiatif", "en": "Initiatives"},
    "quick_wins": {"id": "quick win", "en": "quick wins"},
    "achievement": {"id": "Capaian per dimensi", "en": "Achievement per dimension"},
    "achievement_percent": {"id": "Capaian rata-rata (%)", "en": "Mean achievement (%)"},
    "period": {"id": "periode", "en": "period"},
    "all_phases": {"id": "Semua tahap", "en": "All phases"},
    "phase": {"id": "Tahap", "en": "Phase"},
    "furthest": {"id": "Tahap terjauh", "en": "Furthest step"},
}


def word(key: str, lang: Lang) -> str:
    return WORDS[key][lang]


def scope_label(scope: Scope, lang: Lang) -> str:
    parts = [f"{word('phase', lang)} {scope.phase_code}" if scope.phase_code else word("all_phases", lang)]
    if scope.region_code:
        parts.append(scope.region_code)
    elif scope.province_code:
        parts.append(BY_CODE[scope.province_code].name)
    return " · ".join(parts)
