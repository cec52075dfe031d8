"""The load mix through the gateway: partners read, regions upload, operators write.

Run by bench/load/run.py, once per concurrency step, with `BENCH_LOAD_SEED` naming the
JSON that bench/load/seed.py wrote (ids, codes, partner API keys). Every request says
which answers it expects; anything else (a 5xx, a 4xx the mix did not cause on purpose,
a timeout, a refused connection) is counted as an error.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import random
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import gevent
from gateway.settings import Settings
from gateway.token_cli import issue_token
from locust import FastHttpUser, between, events
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).parent))
from pdfs import make_pdf, unique  # noqa: E402

EMPTY = {"participating": [], "regions": [], "mentors": [], "partner_keys": [], "documents": {},
         "participants": {}, "tracks": [], "phase": None}  # fmt: skip
SEED = json.loads(Path(os.environ["BENCH_LOAD_SEED"]).read_text()) if os.environ.get("BENCH_LOAD_SEED") else EMPTY
STEP = int(os.environ.get("BENCH_LOAD_STEP", "0"))
WAIT = [float(x) for x in os.environ.get("BENCH_LOAD_WAIT", "0.2:1.0").split(":")]
TIMEOUT = float(os.environ.get("BENCH_LOAD_TIMEOUT", "30"))
PDFS = [make_pdf(size) for size in (200 * 1024, 512 * 1024, 1024 * 1024, 2 * 1024 * 1024)]
KINDS = ("readiness_report", "strategic_analysis", "quick_win_list", "minutes", "other")
DIMENSIONS = ("governance", "branding", "economy", "living", "society", "environment")
# each workshop gets an hour of its own (steps never share one), so none is refused as double-booked
SLOTS = itertools.count()
FIRST_SLOT = datetime(2030, 1, 1, 9, tzinfo=timezone(timedelta(hours=7))) + timedelta(hours=100_000 * STEP)
# documents uploaded during this run, per region, so that regions also add versions to new ones
UPLOADED: dict[str, list[str]] = {code: list(ids) for code, ids in SEED["documents"].items()}
_settings = Settings()
# each request's name and time since the warm-up ended, written at the end for report.py's slowest 5 %
TIMES_CSV = os.environ.get("BENCH_LOAD_TIMES")
TIMES: list[tuple[str, str, float]] = []
WARMUP = float(os.environ.get("BENCH_LOAD_WARMUP", "0"))
MEASURING = os.environ.get("BENCH_LOAD_MEASURING")  # touched as the warm-up ends, for run.py's CPU readings
RUN: dict[str, Environment] = {}


@events.init.add_listener
def _init(environment: Environment, **_) -> None:
    RUN["environment"] = environment


@events.spawning_complete.add_listener
def _warm_up(**_) -> None:
    # every user starts within the first second, each with connections, a token and a caller of its own; the
    # step measures the steady state that follows, not that burst of starts
    gevent.spawn_later(WARMUP, _measure_from_now)


def _measure_from_now() -> None:
    runner = RUN["environment"].runner
    assert runner is not None
    runner.stats.reset_all()
    TIMES.clear()
    if MEASURING:
        Path(MEASURING).touch()


@events.request.add_listener
def _timed(request_type: str, name: str, response_time: float, **_) -> None:
    TIMES.append((request_type, name, response_time))


@events.quitting.add_listener
def _write_times(**_) -> None:
    if TIMES_CSV:
        with open(TIMES_CSV, "w", newline="") as f:
            csv.writer(f).writerows(TIMES)


def bearer(role: str, region: str | None = None) -> dict[str, str]:
    subject = f"{role}-{uuid.uuid4().hex[:8]}@bench"  # every simulated person is a caller of their own
    return {"Authorization": f"Bearer {issue_token(_settings, subject, role, region, ttl=6 * 3600)}"}


def multipart(fields: dict[str, str], pdf: bytes, filename: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    )
    body = b"".join([*parts, head.encode(), unique(pdf), f"\r\n--{boundary}--\r\n".encode()])
    return body, f"multipart/form-data; boundary={boundary}"


class Caller(FastHttpUser):
    abstract = True
    wait_time = between(*WAIT)
    network_timeout = TIMEOUT
    connection_timeout = TIMEOUT
    auth: dict[str, str] = {}

    def call(self, method: str, path: str, name: str, ok: tuple[int, ...] = (200,), **kwargs):
        headers = {**self.auth, **kwargs.pop("headers", {})}
        with self.client.request(method, path, name=name, headers=headers, catch_response=True, **kwargs) as r:
            if r.status_code in ok:
                r.success()
            elif r.status_code:
                why = ""
                if "problem+json" in (r.headers.get("content-type") or ""):
                    problem = r.json()
                    why = f": {problem.get('title')}: {str(problem.get('detail'))[:100]}"
                r.failure(f"HTTP {r.status_code}{why}")
            else:
                r.failure(f"no answer: {type(r.error).__name__}")
            return r

    def post(self, path: str, name: str, ok: tuple[int, ...] = (201,), **kwargs):
        headers = {"Idempotency-Key": uuid.uuid4().hex, **kwargs.pop("headers", {})}
        return self.call("POST", path, name, ok, headers=headers, **kwargs)

    def patch_contacts(self, participant_id: str) -> None:
        """Read, then change the contacts with If-Match; 412 when someone else changed them in between."""
        got = self.call("GET", f"/api/v1/participants/{participant_id}", "/participants/{id}")
        if got.status_code != 200:
            return
        contacts = got.json()["contacts"]
        contacts[0] = {**contacts[0], "phone": f"0812{random.randrange(10**7, 10**8)}"}
        self.call(
            "PATCH",
            f"/api/v1/participants/{participant_id}",
            "/participants/{id}",
            ok=(200, 412),
            json={"contacts": contacts},
            headers={"If-Match": got.headers["etag"]},
        )

    def upload(self, region: str) -> None:
        fields = {
            "region_code": region,
            "kind": random.choice(KINDS),
            "title": f"Dokumen {region} {uuid.uuid4().hex[:6]}",
        }
        body, content_type = multipart(fields, random.choice(PDFS), "laporan.pdf")
        r = self.post("/api/v1/documents", "/documents", data=body, headers={"Content-Type": content_type})
        if r.status_code == 201:
            UPLOADED.setdefault(region, []).append(r.json()["id"])


def tasks(*pairs) -> dict:
    """Task -> weight, leaving out the tasks whose data the seed does not have."""
    return {task: weight for task, weight, available in pairs if available}


HAVE_PARTICIPANTS, HAVE_TRACKS = bool(SEED["participants"]), bool(SEED["tracks"])


# --- partners: read-only systems of other ministries, each with an API key ---


def list_regions(u: Caller) -> None:
    params = random.choice([{}, {"q": "kota"}, {"level": "regency_city"}, {"q": "kabupaten", "limit": 100}])
    u.call("GET", "/api/v1/regions", "/regions", params=params)


def one_region(u: Caller) -> None:
    u.call("GET", f"/api/v1/regions/{random.choice(SEED['regions'])}", "/regions/{code}")


def list_documents(u: Caller) -> None:
    params = random.choice([{}, {"region_code": random.choice(SEED["participating"])}, {"kind": "readiness_report"}])
    u.call("GET", "/api/v1/documents", "/documents", params=params)


def one_document(u: Caller) -> None:
    doc = random.choice(UPLOADED[random.choice(SEED["participating"])])
    u.call("GET", f"/api/v1/documents/{doc}", "/documents/{id}")


def download_document(u: Caller) -> None:
    doc = random.choice(SEED["documents"][random.choice(SEED["participating"])])
    u.call("GET", f"/api/v1/documents/{doc}/content", "/documents/{id}/content")


def list_mentors(u: Caller) -> None:
    u.call("GET", "/api/v1/mentors", "/mentors", params=random.choice([{}, {"dimension": random.choice(DIMENSIONS)}]))


def list_participants(u: Caller) -> None:
    params = random.choice([{"phase_code": SEED["phase"]}, {"status": "mentoring"}, {"limit": 200}])
    u.call("GET", "/api/v1/participants", "/participants", params=params)


def one_participant(u: Caller) -> None:
    u.call("GET", f"/api/v1/participants/{random.choice(list(SEED['participants'].values()))}", "/participants/{id}")


def participant_history(u: Caller) -> None:
    pid = random.choice(list(SEED["participants"].values()))
    u.call("GET", f"/api/v1/participants/{pid}/history", "/participants/{id}/history")


def one_phase(u: Caller) -> None:
    u.call("GET", f"/api/v1/phases/{SEED['phase']}", "/phases/{code}")


def list_tracks(u: Caller) -> None:
    u.call("GET", "/api/v1/tracks", "/tracks", params=random.choice([{}, {"stage": "bimtek_1"}]))


def one_track(u: Caller) -> None:
    u.call("GET", f"/api/v1/tracks/{random.choice(SEED['tracks'])}", "/tracks/{id}")


def read_events(u: Caller) -> None:
    u.call("GET", f"/api/v1/events/{random.choice(['participants', 'mentoring', 'documents'])}", "/events/{service}")


class Partner(Caller):
    weight = 6
    tasks = tasks(
        (list_regions, 4, True),
        (one_region, 4, True),
        (list_mentors, 1, True),
        (list_documents, 3, True),
        (one_document, 3, True),
        (download_document, 1, True),
        (read_events, 1, True),
        (list_participants, 3, HAVE_PARTICIPANTS),
        (one_participant, 3, HAVE_PARTICIPANTS),
        (participant_history, 1, HAVE_PARTICIPANTS),
        (one_phase, 1, HAVE_PARTICIPANTS),
        (list_tracks, 2, HAVE_TRACKS),
        (one_track, 2, HAVE_TRACKS),
    )

    def on_start(self) -> None:
        keys = SEED["partner_keys"]
        self.auth = {"X-API-Key": random.choice(keys)} if keys else bearer("partner")


# --- regions: a kabupaten/kota's team, uploading its deliverables ---


def own_documents(u: Region) -> None:
    u.call("GET", "/api/v1/documents", "/documents", params={"region_code": u.region})


def own_document(u: Region) -> None:
    u.call("GET", f"/api/v1/documents/{random.choice(UPLOADED[u.region])}", "/documents/{id}")


def upload_document(u: Region) -> None:
    u.upload(u.region)


def upload_version(u: Region) -> None:
    doc = random.choice(UPLOADED[u.region])
    body, content_type = multipart({}, random.choice(PDFS), "laporan-revisi.pdf")
    u.post(f"/api/v1/documents/{doc}/versions", "/documents/{id}/versions", data=body,
           headers={"Content-Type": content_type})  # fmt: skip


def own_participant(u: Region) -> None:
    u.call("GET", f"/api/v1/participants/{SEED['participants'][u.region]}", "/participants/{id}")


def own_contacts(u: Region) -> None:
    u.patch_contacts(SEED["participants"][u.region])


def own_tracks(u: Region) -> None:
    u.call("GET", "/api/v1/tracks", "/tracks")


def own_sessions(u: Region) -> None:
    u.call("GET", "/api/v1/sessions", "/sessions")


def own_region(u: Region) -> None:
    u.call("GET", f"/api/v1/regions/{u.region}", "/regions/{code}")


class Region(Caller):
    weight = 3
    tasks = tasks(
        (own_documents, 3, True),
        (own_document, 2, True),
        (upload_document, 1, True),
        (upload_version, 1, True),
        (own_region, 1, True),
        (own_participant, 2, HAVE_PARTICIPANTS),
        (own_contacts, 1, HAVE_PARTICIPANTS),
        (own_tracks, 2, HAVE_TRACKS),
        (own_sessions, 1, HAVE_TRACKS),
    )

    def on_start(self) -> None:
        self.region = random.choice(SEED["participating"]) if SEED["participating"] else "32.73"
        self.auth = bearer("region", self.region)


# --- operators: the ministry's programme staff ---


def create_mentor(u: Caller) -> None:
    body = {
        "name": "Mentor Baru",
        "email": f"mentor.{uuid.uuid4().hex[:12]}@bench.ac.id",
        "organization": "Universitas Gadjah Mada",
        "expertise": random.sample(DIMENSIONS, 2),
        "max_tracks": 5,
    }
    u.post("/api/v1/mentors", "/mentors", json=body)


def create_session(u: Caller) -> None:
    starts = FIRST_SLOT + timedelta(hours=next(SLOTS))
    track_ids = random.sample(SEED["tracks"], min(len(SEED["tracks"]), random.randint(1, 5)))
    body = {
        "stage": "bimtek_1",
        "title": "Bimtek I: penyusunan analisis strategis",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(minutes=50)).isoformat(),
        "mode": "online",
        "url": "https://zoom.example.go.id/j/123",
        "track_ids": track_ids,
        "mentor_ids": [random.choice(SEED["mentors"])],
    }
    r = u.post("/api/v1/sessions", "/sessions", json=body)
    if r.status_code == 201:
        rows = [{"track_id": t, "present": True, "attendees": ["Kepala Bappeda"]} for t in track_ids]
        u.call("PUT", f"/api/v1/sessions/{r.json()['id']}/attendance", "/sessions/{id}/attendance", json=rows)


def operator_contacts(u: Caller) -> None:
    u.patch_contacts(random.choice(list(SEED["participants"].values())))


def operator_upload(u: Caller) -> None:
    u.upload(random.choice(SEED["participating"]))


class Operator(Caller):
    weight = 1
    tasks = tasks(
        (create_mentor, 2, True),
        (list_mentors, 1, True),
        (operator_upload, 1, True),
        (read_events, 1, True),
        (list_participants, 2, HAVE_PARTICIPANTS),
        (operator_contacts, 2, HAVE_PARTICIPANTS),
        (one_phase, 1, HAVE_PARTICIPANTS),
        (create_session, 2, HAVE_TRACKS),
    )

    def on_start(self) -> None:
        self.auth = bearer("operator")
