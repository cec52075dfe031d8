"""A synthetic programme for the reports benchmark: 514 regions over 5 phases, as the feeds would tell it.

Every region applies in every phase (a benchmark wants volume; the real rule
is once); nine in ten are selected, sign and are mentored, three in four of
those complete. Each track goes through four stages of two workshop days each
(scheduled and attended), hands in three deliverables per stage (a document
uploaded as a draft and a final version, the deliverable submitted and
reviewed, one in five first sent back), saves its master plan four times and
ends with an approved plan of 12 initiatives. Payloads are the ones the
services record (their `events.py`); event types the reports service does not
read yet are still served, as the real feeds would.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

DIMENSIONS = {
    "governance": ("service", "bureaucracy", "policy"),
    "branding": ("tourism", "business", "city_appearance"),
    "economy": ("industry", "welfare", "transaction"),
    "living": ("harmony", "health", "mobility"),
    "society": ("community", "learning", "security"),
    "environment": ("protection", "waste", "energy"),
}
STAGES = ("bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4")
KINDS = {
    "bimtek_1": ("readiness_report", "minutes", "other"),
    "bimtek_2": ("strategic_analysis", "quick_win_list", "minutes"),
    "bimtek_3": ("masterplan_draft", "minutes", "other"),
    "bimtek_4": ("masterplan_final", "commitment_sheet", "minutes"),
}
PROVINCES = [
    11,
    12,
    13,
    14,
    15,
    16,
    17,
    18,
    19,
    21,
    31,
    32,
    33,
    34,
    35,
    36,
    51,
    52,
    53,
    61,
    62,
    63,
    64,
    65,
    71,
    72,
    73,
    74,
    75,
    76,
    81,
    82,
    91,
    92,
    93,
    94,
    95,
    96,
]


def regions(n: int = 514) -> list[str]:
    """n kabupaten/kota codes spread over the 38 provinces."""
    out = []
    for i in range(n):
        province = PROVINCES[i % len(PROVINCES)]
        number = i // len(PROVINCES)
        out.append(f"{province}.{number + 1:02d}" if number < 40 else f"{province}.{71 + number - 40:02d}")
    return out


class Feeds:
    def __init__(self) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {"participants": [], "mentoring": [], "documents": []}
        self.clock = datetime(2022, 1, 3, 2, 0, tzinfo=UTC)

    def add(self, feed: str, type_: str, subject: str, data: dict[str, Any]) -> None:
        self.clock += timedelta(seconds=7)
        events = self.events[feed]
        events.append(
            {
                "id": len(events) + 1,
                "type": type_,
                "occurred_at": self.clock.isoformat(),
                "subject": subject,
                "data": data,
            }
        )

    def total(self) -> int:
        return sum(len(e) for e in self.events.values())


def programme(region_count: int = 514, phases: int = 5, seed: int = 2017) -> Feeds:
    rng = random.Random(seed)
    feeds = Feeds()
    codes = regions(region_count)
    for i, code in enumerate(codes):
        feeds.add(
            "participants",
            "region.statistics_updated",
            f"regions/{code}",
            {
                "code": code,
                "region_code": code,
                "population_male": 100_000 + i * 37,
                "population_female": 100_000 + i * 41,
                "population": 200_000 + i * 78,
                "area_km2": 120.5 + i,
            },
        )
    mentors = [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(60)]
    for index, mentor in enumerate(mentors):
        feeds.add(
            "mentoring",
            "mentor.created",
            f"mentors/{mentor}",
            {
                "mentor_id": mentor,
                "name": f"Mentor {index}",
                "organization": "ITB",
                "expertise": ["governance"],
                "home_region_code": None,
                "max_tracks": 60,
                "created_at": feeds.clock.isoformat(),
            },
        )
    for p in range(phases):
        phase = str(2022 + p)
        for code in codes:
            participant(feeds, rng, phase, code, mentors)
    return feeds


def participant(feeds: Feeds, rng: random.Random, phase: str, code: str, mentors: list[str]) -> None:
    pid = str(uuid.UUID(int=rng.getrandbits(128)))
    status = None

    def move(to: str) -> None:
        nonlocal status
        feeds.add(
            "participants",
            "participant.status_changed",
            f"participants/{pid}",
            {
                "participant_id": pid,
                "region_code": code,
                "phase_code": phase,
                "time_zone": None,
                "from": status,
                "to": to,
                "actor": "operator:bench",
                "reason": None,
            },
        )
        status = to

    move("applied")
    move("assessed")
    fate = rng.random()
    if fate > 0.9:
        move("waitlisted" if fate < 0.95 else "rejected")
        return
    move("selected")
    move("mou_signed")
    tid = str(uuid.UUID(int=rng.getrandbits(128)))
    track = {"track_id": tid, "participant_id": pid, "region_code": code, "phase_code": phase}
    feeds.add("mentoring", "track.opened", f"tracks/{tid}", track)
    move("mentoring")
    mentor = rng.choice(mentors)
    feeds.add(
        "mentoring",
        "track.mentor_assigned",
        f"tracks/{tid}",
        {**track, "mentor_id": mentor, "assigned_by": "operator:bench"},
    )
    finishes = rng.random() < 0.75
    for number, stage in enumerate(STAGES):
        for _day in range(2):
            workshop(feeds, rng, track, number, stage, mentor)
        for kind in KINDS[stage]:
            deliverable(feeds, rng, track, stage, kind, code)
        if number < 3:
            feeds.add(
                "mentoring", "track.stage_advanced", f"tracks/{tid}", {**track, "from": stage, "to": STAGES[number + 1]}
            )
        elif finishes:
            plan(feeds, rng, track, int(phase))
            feeds.add("mentoring", "track.completed", f"tracks/{tid}", track)
            move("completed")
        if not finishes and number == 2:
            return


def workshop(feeds: Feeds, rng: random.Random, track: dict, number: int, stage: str, mentor: str) -> None:
    session = str(uuid.UUID(int=rng.getrandbits(128)))
    starts = feeds.clock + timedelta(days=30)
    feeds.add(
        "mentoring",
        "session.scheduled",
        f"sessions/{session}",
        {
            **track,
            "session_id": session,
            "stage": stage,
            "title": f"Bimtek {number + 1}",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(days=1)).isoformat(),
            "mode": "offline",
            "venue": "Jakarta",
            "url": None,
            "mentor_ids": [mentor],
            "scheduled_by": "operator:bench",
        },
    )
    feeds.add(
        "mentoring",
        "session.attendance_recorded",
        f"sessions/{session}",
        {
            **track,
            "session_id": session,
            "stage": stage,
            "present": rng.random() < 0.9,
            "attendees": ["Kepala Diskominfo"],
            "recorded_by": f"mentor:{mentor}",
        },
    )


def deliverable(feeds: Feeds, rng: random.Random, track: dict, stage: str, kind: str, code: str) -> None:
    document = str(uuid.UUID(int=rng.getrandbits(128)))
    feeds.add(
        "documents",
        "document.created",
        f"documents/{document}",
        {"document_id": document, "region_code": code, "kind": kind, "version": 1},
    )
    feeds.add(
        "documents",
        "document.version_added",
        f"documents/{document}",
        {"document_id": document, "region_code": code, "version": 2},
    )
    supersedes = None
    for attempt in range(2 if rng.random() < 0.2 else 1):
        did = str(uuid.UUID(int=rng.getrandbits(128)))
        facts = {**track, "deliverable_id": did, "stage": stage, "kind": kind, "document_id": document}
        feeds.add(
            "mentoring",
            "deliverable.submitted",
            f"deliverables/{did}",
            {
                **facts,
                "supersedes_id": supersedes,
                "submitted_at": feeds.clock.isoformat(),
                "submitted_by": f"region:{code}",
            },
        )
        decision = "changes_requested" if attempt == 0 and supersedes is None and rng.random() < 0.2 else "approved"
        feeds.add(
            "mentoring",
            "deliverable.reviewed",
            f"deliverables/{did}",
            {
                **facts,
                "decision": decision,
                "comment": None,
                "reviewed_at": feeds.clock.isoformat(),
                "reviewed_by": "mentor:bench",
            },
        )
        if decision == "approved":
            return
        supersedes = did
        feeds.add(
            "documents",
            "document.version_added",
            f"documents/{document}",
            {"document_id": document, "region_code": code, "version": 3},
        )


def plan(feeds: Feeds, rng: random.Random, track: dict, year: int) -> None:
    horizon = rng.choice((5, 5, 6, 10))
    for version in (1, 2, 3):
        feeds.add(
            "mentoring",
            "masterplan.saved",
            f"tracks/{track['track_id']}/masterplan",
            {
                **track,
                "version": version,
                "created": version == 1,
                "updated_at": feeds.clock.isoformat(),
                "updated_by": f"region:{track['region_code']}",
                "horizon_start_year": year,
                "horizon_end_year": year + horizon - 1,
                "initiatives": 12,
                "quick_wins": 3,
            },
        )
    initiatives = []
    for index in range(12):
        dimension = list(DIMENSIONS)[index % 6]
        quick = index < 3
        start = year + (0 if quick else rng.randrange(horizon - 1))
        initiatives.append(
            {
                "id": str(uuid.uuid5(uuid.UUID(track["track_id"]), f"initiative-{index}")),
                "index": index,
                "dimension": dimension,
                "element": rng.choice(DIMENSIONS[dimension]),
                "title": f"Inisiatif {index}",
                "benefit": "Layanan lebih cepat",
                "beneficiaries": "Warga",
                "kpi": "Waktu layanan",
                "technology": "Aplikasi",
                "start_year": start,
                "end_year": start + (1 if quick else 2),
                "quick_win": quick,
                "lead_agency": "Diskominfo",
            }
        )
    feeds.add(
        "mentoring",
        "masterplan.approved",
        f"tracks/{track['track_id']}/masterplan",
        {
            **track,
            "version": 3,
            "approved_at": feeds.clock.isoformat(),
            "approved_by": "operator:bench",
            "vision": "Kota cerdas",
            "horizon_start_year": year,
            "horizon_end_year": year + horizon - 1,
            "initiatives": initiatives,
        },
    )
