"""The page's words in Indonesian and English."""

from __future__ import annotations

PAGE_WORDS: dict[str, dict[str, str]] = {
    "title": {"id": "Laporan Gerakan Menuju 100 Smart City", "en": "Movement Towards 100 Smart Cities: report"},
    "as_of": {"id": "Per", "en": "As of"},
    "participants": {"id": "Peserta", "en": "Participants"},
    "taking_part": {"id": "Ikut serta", "en": "Taking part"},
    "mous_signed": {"id": "MoU ditandatangani", "en": "MoUs signed"},
    "tracks_active": {"id": "Jalur aktif", "en": "Active tracks"},
    "tracks_completed": {"id": "Jalur selesai", "en": "Tracks completed"},
    "completion_rate": {"id": "Tingkat penyelesaian", "en": "Completion rate"},
    "population_reached": {"id": "Penduduk terjangkau", "en": "People reached"},
    "statuses": {"id": "Peserta per status", "en": "Participants per status"},
    "status": {"id": "Status", "en": "Status"},
    "population": {"id": "Penduduk", "en": "Population"},
    "provinces": {"id": "Provinsi dengan peserta", "en": "Provinces with participants"},
    "province": {"id": "Provinsi", "en": "Province"},
    "mentoring": {"id": "Pendampingan", "en": "Mentoring"},
    "completed": {"id": "Selesai", "en": "Completed"},
    "phases": {"id": "Per tahap", "en": "Per phase"},
    "phase": {"id": "Tahap", "en": "Phase"},
    "first_applied_on": {"id": "Pendaftaran pertama", "en": "First application"},
    "last_signed_on": {"id": "Penandatanganan terakhir", "en": "Last signing"},
    "none": {"id": "Belum ada peserta.", "en": "No participants yet."},
    "people": {
        "id": "{regions} daerah yang menandatangani MoU dan masih ikut serta dihuni {people} penduduk.",
        "en": "The {regions} regions that signed an MoU and still take part are home to {people} people.",
    },
}
