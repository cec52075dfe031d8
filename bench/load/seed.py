"""Seed a fresh platform through the gateway, as its users would: regions, mentors, partner API keys,
documents, and (where the participants service has them) a phase, participants, MoUs and tracks.

Returns what the load mix needs to know (ids, codes, keys) as a plain dict, saved as JSON
for the locust process.
"""

from __future__ import annotations

import csv
import io
import random
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import httpx
from pdfs import make_pdf, unique
from smartcity_dev import samples

PHASE = "bench"
PARTICIPATING = 60  # regions that apply; the phase's quota selects 50 of them
QUOTA = 50
MENTORS = 20
PARTNER_KEYS = 10
PDF_SIZES = (200 * 1024, 512 * 1024, 1024 * 1024, 2 * 1024 * 1024)
DIMENSIONS = ("governance", "branding", "economy", "living", "society", "environment")


def synthetic_regions_csv() -> str:
    """38 provinces of plausible codes, each with 10 kabupaten and 3 kota (532 rows)."""
    provinces = [*range(11, 22), *range(31, 37), 51, 52, 53, 61, 62, 63, 64, 65, *range(71, 77), 81, 82, *range(91, 96)]
    names = {str(p): f"Provinsi Sintetis {p}" for p in provinces[:38]}
    return samples.synthetic_regions_csv(names, kabupaten=10, kota=3).decode()


def regions_csv(shared: Path) -> tuple[str, str]:
    """(csv text, where it came from): the official list where ../shared has it, else a synthetic one."""
    if shared.exists():
        return shared.read_text(encoding="utf-8"), str(shared)
    return synthetic_regions_csv(), "synthetic (../shared/data/regions/regions.csv is not here)"


class Gateway:
    """A thin client that fails loudly on any answer the seed did not expect."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=url, timeout=120, headers=headers)

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> httpx.Response:
        response = self.http.request(method, path, **kwargs)
        if response.status_code != expect:
            raise RuntimeError(
                f"seed: {method} {path} -> {response.status_code} (expected {expect}): {response.text[:500]}"
            )
        return response

    def all_items(self, path: str, **params) -> list[dict]:
        items, cursor = [], None
        while True:
            page = self.call("GET", path, params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})})
            items += page.json()["items"]
            cursor = page.json()["next_cursor"]
            if not cursor:
                return items


def contacts(code: str, n: int = 2) -> list[dict[str, str]]:
    roles = ("Kepala Dinas Kominfo", "Kepala Bappeda", "Sekretaris Daerah")
    return [
        {
            "role": roles[i % len(roles)],
            "name": f"Petugas {code} {i + 1}",
            "email": f"tim{i + 1}.{code.replace('.', '-')}@example.go.id",
            "phone": f"0812{random.randrange(10**7, 10**8)}",
        }
        for i in range(n)
    ]


def upload(gw: Gateway, pdf: bytes, region_code: str, kind: str, title: str, headers: dict[str, str]) -> dict:
    files = {"file": (f"{kind}.pdf", unique(pdf), "application/pdf")}
    form = {"region_code": region_code, "kind": kind, "title": title}
    return gw.call("POST", "/api/v1/documents", 201, files=files, data=form, headers=headers).json()


def seed(url: str, token, shared_regions: Path, log=print) -> dict:
    """Everything the mix reads, made through the gateway; `token(role, region=None)` mints a bearer token."""
    ops = Gateway(url, {"Authorization": f"Bearer {token('operator')}"})
    text, source = regions_csv(shared_regions)
    counts = ops.call("POST", "/api/v1/regions/import", content=text, headers={"content-type": "text/csv"}).json()
    rows = list(csv.DictReader(io.StringIO(text)))
    kinds = {r["code"]: r["kind"] for r in rows}
    regencies = sorted(code for code, kind in kinds.items() if kind != "provinsi")
    chosen = random.Random(8).sample(regencies, PARTICIPATING)
    log(f"regions: {counts} from {source}; {PARTICIPATING} of {len(regencies)} kabupaten/kota take part")

    mentors = []
    for i in range(MENTORS):
        body = {
            "name": f"Mentor Bench {i + 1}",
            "email": f"mentor{i + 1}.{uuid.uuid4().hex[:6]}@bench.ac.id",
            "organization": "Institut Teknologi Bandung",
            "expertise": random.sample(DIMENSIONS, 2),
            "max_tracks": 10,
        }
        mentors.append(ops.call("POST", "/api/v1/mentors", 201, json=body).json()["id"])
    keys = []
    for i in range(PARTNER_KEYS):
        body = {"name": f"bench partner {i + 1}", "role": "partner"}
        keys.append(ops.call("POST", "/api/v1/api-keys", 201, json=body).json()["key"])
    log(f"{len(mentors)} mentors, {len(keys)} partner API keys")

    documents: dict[str, list[str]] = {}
    pdfs = [make_pdf(size) for size in PDF_SIZES]
    for i, code in enumerate(chosen):
        as_region = {"Authorization": f"Bearer {token('region', code)}"}
        doc = upload(ops, pdfs[i % len(pdfs)], code, "readiness_report", f"Laporan kesiapan {code}", as_region)
        documents[code] = [doc["id"]]
    log(f"{len(documents)} documents uploaded by their regions")

    participants, tracks = programme(ops, token, chosen, kinds, mentors, log)
    return {
        "regions": regencies,
        "participating": chosen,
        "mentors": mentors,
        "partner_keys": keys,
        "documents": documents,
        "participants": participants,  # region code -> participant id
        "tracks": tracks,  # track ids
        "phase": PHASE if participants else None,
    }


def programme(ops: Gateway, token, chosen: list[str], kinds: dict[str, str], mentors: list[str], log):
    """A phase with its applications, assessments, selection, MoUs and the tracks they open.

    Skipped (empty results) where the participants service does not serve phases yet."""
    today = date.today()
    phase = {
        "code": PHASE,
        "name": "Tahap bench",
        "year": today.year,
        "quota": QUOTA,
        "registration_opens_on": str(today - timedelta(days=30)),
        "registration_closes_on": str(today + timedelta(days=30)),
    }
    created = ops.http.post("/api/v1/phases", json=phase)
    if created.status_code in (404, 405):
        log("phases: not served yet by the participants service; the mix leaves participants and tracks out")
        return {}, []
    if created.status_code != 201:
        raise RuntimeError(f"seed: POST /api/v1/phases -> {created.status_code}: {created.text}")
    participants = {}
    scores = random.Random(9)
    for code in chosen:
        body = {"region_code": code, "phase_code": PHASE, "contacts": contacts(code)}
        pid = ops.call("POST", "/api/v1/participants", 201, json=body).json()["id"]
        participants[code] = pid
        assessment = {
            name: scores.randrange(40, 100)
            for name in (
                "fiscal_capacity",
                "green_city_index",
                "government_performance_index",
                "infrastructure",
                "superstructure",
                "leadership_vision",
            )
        }
        assessment["sustainable_city_index"] = scores.randrange(40, 100) if kinds[code] == "kota" else None
        ops.call("PUT", f"/api/v1/participants/{pid}/assessment", json=assessment)
    ops.call("POST", f"/api/v1/phases/{PHASE}/selection", json={"dry_run": False})
    selected = ops.all_items("/api/v1/participants", phase_code=PHASE, status="selected")
    signing = {
        "signed_on": str(today),
        "venue": "Jakarta",
        "signatures": [
            {"participant_id": p["id"], "signatory_name": f"Kepala daerah {p['region_code']}", "signatory_title": title}
            for p in selected
            for title in ["Wali Kota" if kinds[p["region_code"]] == "kota" else "Bupati"]
        ],
    }
    ops.call("POST", f"/api/v1/phases/{PHASE}/mou-signings", 201, json=signing)
    log(f"{len(participants)} participants, {len(selected)} selected and signed; waiting for their tracks")
    deadline = time.monotonic() + 120
    while len(tracks := ops.all_items("/api/v1/tracks", phase_code=PHASE)) < len(selected):
        if time.monotonic() > deadline:
            raise RuntimeError(f"seed: only {len(tracks)} of {len(selected)} tracks opened within 120 s")
        time.sleep(0.5)
    for i, track in enumerate(tracks):
        ops.call("POST", f"/api/v1/tracks/{track['id']}/mentors", 201, json={"mentor_id": mentors[i % len(mentors)]})
    log(f"{len(tracks)} tracks, each with a mentor")
    return participants, [t["id"] for t in tracks]
