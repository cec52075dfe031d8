"""A synthetic programme for the reports benchmark: 514 regions over 5 phases, as the feeds would tell it.

Every region applies in every phase (a benchmark wants volume; the real rule
is once) and is assessed; nine in ten are selected and sign their MoU on the
phase's signing day, and are mentored (one track in twenty changes mentor);
three in four of those complete, one in ten withdraws at the second stage.
Each track goes through four stages of two workshop days each (scheduled and
attended), hands in three deliverables per stage (a document uploaded as a
draft and a final version, one in twenty after a wrong upload deleted; the
deliverable submitted and reviewed, one in five first sent back), saves its
master plan three times and ends with an approved plan of 12 initiatives,
which monitoring makes a portfolio. After each phase monitoring opens the next
year's two periods: every region with a portfolio reports (one in twenty never
does and is overdue, some late, some returned once), each accepted report's
result is computed, and the period is locked.

Payloads are exactly what the services record (their `events.py`, docs/events.md):
bench/tests/test_reports_synthetic.py checks every one against the catalogue's
models. Event types the reports service does not read are still served, as the
real feeds would.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from smartcity_vocabulary.masterplan import ELEMENTS

FEEDS = ("participants", "mentoring", "documents", "monitoring")
DIMENSIONS = {str(d): tuple(str(e) for e in elements) for d, elements in ELEMENTS.items()}
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
ZONES = {range(51, 54): "Asia/Makassar", range(63, 77): "Asia/Makassar", range(81, 97): "Asia/Jayapura"}
# a province's first ten are kabupaten (nn.01-nn.10), the rest kota (nn.71-)
KABUPATEN = 10
OPERATOR = "operator:bench@kominfo.go.id"


def regions(n: int = 514) -> list[str]:
    """n kabupaten/kota codes spread over the 38 provinces."""
    out = []
    for i in range(n):
        province = PROVINCES[i % len(PROVINCES)]
        number = i // len(PROVINCES)
        out.append(f"{province}.{number + 1:02d}" if number < KABUPATEN else f"{province}.{71 + number - KABUPATEN}")
    return out


def time_zone(code: str) -> str:
    province = int(code[:2])
    return next((zone for provinces, zone in ZONES.items() if province in provinces), "Asia/Jakarta")


def kind_of(code: str) -> str:
    return "kota" if int(code[3:]) > 70 else "kabupaten"


def stamp(at: datetime) -> str:
    """A time as the services' events carry it (pydantic's JSON: UTC as `Z`)."""
    return at.isoformat().replace("+00:00", "Z")


class Feeds:
    def __init__(self, seed: int) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {feed: [] for feed in FEEDS}
        self.clock = datetime(2022, 1, 3, 2, 0, tzinfo=UTC)
        self.rng = random.Random(seed)

    def uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def now(self) -> str:
        return stamp(self.clock)

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
    feeds = Feeds(seed)
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
    mentors = [feeds.uuid() for _ in range(60)]
    for index, mentor in enumerate(mentors):
        feeds.add(
            "mentoring",
            "mentor.created",
            f"mentors/{mentor}",
            {
                "mentor_id": mentor,
                "name": f"Mentor {index}",
                "organization": "Institut Teknologi Bandung",
                "expertise": [list(DIMENSIONS)[index % 6]],
                "home_region_code": None,
                "max_tracks": 60,
            },
        )
    reporting: set[str] = set()  # the regions monitoring follows (an approved plan, a portfolio)
    for p in range(phases):
        year = 2022 + p
        signed = phase(feeds, str(year), codes)
        for participant in signed:
            if track(feeds, participant, mentors, year):
                reporting.add(participant.code)
        for half in (1, 2):
            period(feeds, year + 1, half, sorted(reporting))
    return feeds


class Participant:
    def __init__(self, feeds: Feeds, phase: str, code: str) -> None:
        self.feeds = feeds
        self.id = feeds.uuid()
        self.phase = phase
        self.code = code
        self.status: str | None = None

    def move(self, to: str, actor: str = OPERATOR, track_id: str | None = None, reason: str | None = None) -> None:
        self.feeds.add(
            "participants",
            "participant.status_changed",
            f"participants/{self.id}",
            {
                "participant_id": self.id,
                "region_code": self.code,
                "phase_code": self.phase,
                "time_zone": time_zone(self.code),
                "from": self.status,
                "to": to,
                "actor": actor,
                "reason": reason,
                "promoted_in_place_of": None,
                "track_id": track_id,
            },
        )
        self.status = to


def phase(feeds: Feeds, code: str, codes: list[str]) -> list[Participant]:
    """A phase opened, every region applying and assessed, nine in ten selected and signing: the signed."""
    year = int(code)
    feeds.add(
        "participants",
        "phase.created",
        f"phases/{code}",
        {
            "phase_code": code,
            "name": f"Gerakan Menuju 100 Smart City {year}",
            "year": year,
            "quota": len(codes),
            "registration_opens_on": f"{year}-01-04",
            "registration_closes_on": f"{year}-02-26",
        },
    )
    participants = [Participant(feeds, code, region) for region in codes]
    for participant in participants:
        participant.move("applied", actor=f"region:tim@{participant.code}.go.id")
        feeds.add(
            "participants",
            "participant.applied",
            f"participants/{participant.id}",
            {
                "participant_id": participant.id,
                "region_code": participant.code,
                "region_name": f"{kind_of(participant.code).title()} {participant.code}",
                "kind": kind_of(participant.code),
                "province_code": participant.code[:2],
                "time_zone": time_zone(participant.code),
                "phase_code": code,
                "applied_at": feeds.now(),
                "actor": f"region:tim@{participant.code}.go.id",
            },
        )
    for participant in participants:
        assess(feeds, participant)
    selected = []
    for participant in participants:
        fate = feeds.rng.random()
        if fate > 0.9:
            participant.move("waitlisted" if fate < 0.95 else "rejected")
        else:
            participant.move("selected")
            selected.append(participant)
    signing = feeds.uuid()
    for participant in selected:
        participant.move("mou_signed")
    feeds.add(
        "participants",
        "mou.signed",
        f"signings/{signing}",
        {
            "signing_id": signing,
            "phase_code": code,
            "signed_on": f"{year}-04-20",
            "venue": "Gedung Kominfo, Jakarta",
            "participants": [
                {
                    "participant_id": p.id,
                    "region_code": p.code,
                    "region_name": f"{kind_of(p.code).title()} {p.code}",
                    "signatory_name": "Kepala Daerah",
                    "signatory_title": "Bupati" if kind_of(p.code) == "kabupaten" else "Wali Kota",
                    "document_id": None,
                }
                for p in selected
            ],
            "actor": OPERATOR,
        },
    )
    return selected


def assess(feeds: Feeds, participant: Participant) -> None:
    rng = feeds.rng
    scores: dict[str, int | float | None] = {
        "fiscal_capacity": rng.randint(40, 95),
        "green_city_index": rng.randint(40, 95),
        "government_performance_index": rng.randint(40, 95),
        "sustainable_city_index": rng.randint(40, 95),
        "infrastructure": rng.randint(40, 95),
        "superstructure": rng.randint(40, 95),
        "leadership_vision": rng.randint(40, 95),
    }
    assessor = {"kind": "assessor", "organization": None, "year": None, "published_at": None}
    official = ("fiscal_capacity", "green_city_index", "government_performance_index", "sustainable_city_index")
    participant.move("assessed")
    feeds.add(
        "participants",
        "participant.assessed",
        f"participants/{participant.id}",
        {
            "participant_id": participant.id,
            "region_code": participant.code,
            "phase_code": participant.phase,
            "scores": scores,
            "sources": {name: assessor for name in official},
            "readiness_score": round(sum(v for v in scores.values() if v is not None) / len(scores), 2),
            "rescored": False,
            "actor": OPERATOR,
        },
    )


def track(feeds: Feeds, participant: Participant, mentors: list[str], year: int) -> bool:
    """A signed participant's track through the four stages; whether it completed with an approved plan."""
    rng = feeds.rng
    tid = feeds.uuid()
    on_track = {
        "track_id": tid,
        "participant_id": participant.id,
        "region_code": participant.code,
        "phase_code": participant.phase,
    }
    feeds.add("mentoring", "track.opened", f"tracks/{tid}", {**on_track, "stage": STAGES[0]})
    participant.move("mentoring", actor="service:mentoring", track_id=tid)
    mentor = rng.choice(mentors)
    feeds.add(
        "mentoring",
        "track.mentor_assigned",
        f"tracks/{tid}",
        {
            **on_track,
            "mentor_id": mentor,
            "mentor_email": f"mentor{mentors.index(mentor)}@itb.ac.id",
            "assigned_by": OPERATOR,
        },
    )
    if rng.random() < 0.05:  # the mentor is replaced
        feeds.add(
            "mentoring",
            "track.mentor_removed",
            f"tracks/{tid}",
            {**on_track, "mentor_id": mentor, "removed_by": OPERATOR},
        )
        mentor = rng.choice([m for m in mentors if m != mentor])
        feeds.add(
            "mentoring",
            "track.mentor_assigned",
            f"tracks/{tid}",
            {
                **on_track,
                "mentor_id": mentor,
                "mentor_email": f"mentor{mentors.index(mentor)}@itb.ac.id",
                "assigned_by": OPERATOR,
            },
        )
    finishes = rng.random() < 0.75
    withdraws = not finishes and rng.random() < 0.4
    for number, stage in enumerate(STAGES):
        for _day in range(2):
            workshop(feeds, on_track, number, stage, mentor)
        for kind in KINDS[stage]:
            deliverable(feeds, on_track, stage, kind)
        if number < 3:
            feeds.add(
                "mentoring",
                "track.stage_advanced",
                f"tracks/{tid}",
                {**on_track, "from": stage, "to": STAGES[number + 1]},
            )
        elif finishes:
            plan(feeds, on_track, year)
            feeds.add("mentoring", "track.completed", f"tracks/{tid}", on_track)
            participant.move("completed", actor="service:mentoring", track_id=tid)
            return True
        if withdraws and number == 1:
            feeds.add("mentoring", "track.withdrawn", f"tracks/{tid}", on_track)
            participant.move("withdrawn", track_id=tid, reason="Anggaran daerah tidak tersedia")
            return False
        if not finishes and number == 2:
            return False  # still active, at the last stage
    return False


def workshop(feeds: Feeds, on_track: dict[str, str], number: int, stage: str, mentor: str) -> None:
    session = feeds.uuid()
    starts = feeds.clock + timedelta(days=30)
    feeds.add(
        "mentoring",
        "session.scheduled",
        f"sessions/{session}",
        {
            "session_id": session,
            **on_track,
            "stage": stage,
            "title": f"Bimtek {number + 1}",
            "starts_at": stamp(starts),
            "ends_at": stamp(starts + timedelta(hours=8)),
            "mode": "offline",
            "venue": "Jakarta",
            "url": None,
            "mentor_ids": [mentor],
        },
    )
    present = feeds.rng.random() < 0.9
    feeds.add(
        "mentoring",
        "session.attendance_recorded",
        f"sessions/{session}",
        {
            "session_id": session,
            **on_track,
            "present": present,
            "attendee_count": 3 if present else 0,
            "recorded_by": f"mentor:{mentor}",
        },
    )


def document_version(feeds: Feeds, document: str, code: str, kind: str, version: int) -> dict[str, Any]:
    return {
        "document_id": document,
        "region_code": code,
        "kind": kind,
        "version": version,
        "content_type": "application/pdf",
        "size": 200_000 + version,
        "sha256": hashlib.sha256(f"{document}/{version}".encode()).hexdigest(),
        "actor": f"region:tim@{code}.go.id",
    }


def deliverable(feeds: Feeds, on_track: dict[str, str], stage: str, kind: str) -> None:
    rng = feeds.rng
    code = on_track["region_code"]
    if rng.random() < 0.05:  # a wrong file uploaded first, then deleted
        wrong = feeds.uuid()
        feeds.add(
            "documents",
            "document.created",
            f"documents/{wrong}",
            {**document_version(feeds, wrong, code, kind, 1), "title": f"{kind} {code}"},
        )
        feeds.add(
            "documents",
            "document.deleted",
            f"documents/{wrong}",
            {"document_id": wrong, "region_code": code, "kind": kind, "actor": f"region:tim@{code}.go.id"},
        )
    document = feeds.uuid()
    feeds.add(
        "documents",
        "document.created",
        f"documents/{document}",
        {**document_version(feeds, document, code, kind, 1), "title": f"{kind} {code}"},
    )
    feeds.add(
        "documents", "document.version_added", f"documents/{document}", document_version(feeds, document, code, kind, 2)
    )
    supersedes = None
    for attempt in range(2 if rng.random() < 0.2 else 1):
        did = feeds.uuid()
        facts = {"deliverable_id": did, **on_track, "stage": stage, "kind": kind}
        feeds.add(
            "mentoring",
            "deliverable.submitted",
            f"deliverables/{did}",
            {
                **facts,
                "document_id": document,
                "supersedes_id": supersedes,
                "submitted_at": feeds.now(),
                "submitted_by": f"region:tim@{code}.go.id",
            },
        )
        decision = "changes_requested" if attempt == 0 and rng.random() < 0.2 else "approved"
        feeds.add(
            "mentoring",
            "deliverable.reviewed",
            f"deliverables/{did}",
            {
                **facts,
                "decision": decision,
                "comment": None if decision == "approved" else "Lengkapi data anggaran",
                "reviewed_at": feeds.now(),
                "reviewed_by": "mentor:bench@itb.ac.id",
            },
        )
        if decision == "approved":
            return
        supersedes = did
        feeds.add(
            "documents",
            "document.version_added",
            f"documents/{document}",
            document_version(feeds, document, code, kind, 3),
        )


def plan(feeds: Feeds, on_track: dict[str, str], year: int) -> None:
    rng = feeds.rng
    tid = on_track["track_id"]
    horizon = rng.choice((5, 5, 6, 10))
    for version in (1, 2, 3):
        feeds.add(
            "mentoring",
            "masterplan.saved",
            f"tracks/{tid}/masterplan",
            {
                **on_track,
                "version": version,
                "horizon_start_year": year,
                "horizon_end_year": year + horizon - 1,
                "initiative_count": 4 * version,
                "saved_at": feeds.now(),
                "saved_by": f"region:tim@{on_track['region_code']}.go.id",
            },
        )
    initiatives = []
    for index in range(12):
        dimension = list(DIMENSIONS)[index % 6]
        quick = index < 3
        start = year + (0 if quick else rng.randrange(horizon - 1))
        initiatives.append(
            {
                "id": str(uuid.uuid5(uuid.UUID(tid), f"initiative-{index}")),
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
        f"tracks/{tid}/masterplan",
        {
            **on_track,
            "version": 3,
            "approved_at": feeds.now(),
            "approved_by": OPERATOR,
            "vision": "Kota cerdas yang melayani warganya",
            "horizon_start_year": year,
            "horizon_end_year": year + horizon - 1,
            "initiatives": initiatives,
        },
    )
    feeds.add(
        "monitoring",
        "portfolio.created",
        f"portfolios/{tid}",
        {**on_track, "plan_version": 3, "initiative_ids": [i["id"] for i in initiatives]},
    )


def period(feeds: Feeds, year: int, half: int, reporting: list[str]) -> None:
    """A semester's reporting period: opened, each region's report and result, locked."""
    rng = feeds.rng
    code = f"{year}-S{half}"
    starts, ends = (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    dates = {
        "period_code": code,
        "year": year,
        "starts_on": starts.isoformat(),
        "ends_on": ends.isoformat(),
        "due_on": (ends + timedelta(days=15)).isoformat(),
        "locks_on": (ends + timedelta(days=46)).isoformat(),
    }
    feeds.add("monitoring", "period.opened", f"periods/{code}", dates)
    for region in reporting:
        if rng.random() < 0.05:
            feeds.add(
                "monitoring",
                "report.overdue",
                f"periods/{code}/reports/{region}",
                {"period_code": code, "region_code": region, "due_on": dates["due_on"]},
            )
            continue
        report(feeds, code, region)
    feeds.add("monitoring", "period.locked", f"periods/{code}", {**dates, "by": "service:monitoring"})


def report(feeds: Feeds, period_code: str, region: str) -> None:
    rng = feeds.rng
    rid = feeds.uuid()
    key = {"report_id": rid, "period_code": period_code, "region_code": region}
    subject = f"reports/{rid}"
    late = rng.random() < 0.15
    region_actor = f"region:tim@{region}.go.id"
    feeds.add(
        "monitoring",
        "report.submitted",
        subject,
        {**key, "from": "draft", "to": "submitted", "actor": region_actor, "late": late, "resubmission": False},
    )
    verifier = "mentor:bench@itb.ac.id"
    if rng.random() < 0.1:
        feeds.add(
            "monitoring",
            "report.returned",
            subject,
            {**key, "from": "submitted", "to": "returned", "actor": verifier, "comment": "Lampirkan bukti"},
        )
        feeds.add(
            "monitoring",
            "report.submitted",
            subject,
            {**key, "from": "returned", "to": "submitted", "actor": region_actor, "late": late, "resubmission": True},
        )
    feeds.add(
        "monitoring",
        "report.accepted",
        subject,
        {**key, "from": "submitted", "to": "accepted", "actor": verifier, "comment": None},
    )
    dimensions = {d: (round(rng.uniform(0.2, 1.0), 2) if rng.random() < 0.9 else None) for d in DIMENSIONS}
    measured = [v for v in dimensions.values() if v is not None]
    feeds.add(
        "monitoring",
        "result.computed",
        f"results/{period_code}/{region}",
        {
            "period_code": period_code,
            "region_code": region,
            "achievement": round(sum(measured) / len(measured), 2) if measured else None,
            "progress": round(rng.uniform(10, 100), 1),
            "on_time": not late,
            "dimensions": dimensions,
        },
    )
