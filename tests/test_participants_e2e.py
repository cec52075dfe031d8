"""The participants service through the gateway with real processes, mentoring following it.

One signing day of 50 MoUs: mentoring opens 50 tracks from the participants
feed, and the participants service, reading mentoring's feed, moves all 50 to
`mentoring`.
"""

from __future__ import annotations

import csv
import time

import httpx

PHASE = "e2e-2018"
CONTACT = {"role": "Kepala Dinas Kominfo", "name": "Budi", "email": "budi@example.go.id", "phone": "0812 3456 7890"}


def fifty_regions(shared_regions_path) -> tuple[bytes, list[tuple[str, str]]]:
    """The official list and 50 of its kabupaten/kota where ../shared exists; else 50 made-up ones."""
    if shared_regions_path is not None:
        with open(shared_regions_path, newline="", encoding="utf-8-sig") as f:
            rows = [r for r in csv.DictReader(f) if r["level"] == "regency_city"]
        return shared_regions_path.read_bytes(), [(r["code"], r["kind"]) for r in rows[-50:]]
    lines = ["code,name,level,kind,province_code,province_name", "91,Papua Barat,province,provinsi,,"]
    picked = []
    for n in range(50):
        kind, number = ("kabupaten", n + 1) if n < 25 else ("kota", 71 + n - 25)
        code = f"91.{number:02d}"
        lines.append(f"{code},{kind.title()} E2E {n},regency_city,{kind},91,Papua Barat")
        picked.append((code, kind))
    return ("\n".join(lines) + "\n").encode(), picked


def wait_for(check, what: str, deadline_seconds: float = 120):
    deadline = time.monotonic() + deadline_seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {deadline_seconds} s")
        time.sleep(0.5)


def test_fifty_mous_open_fifty_tracks_and_the_participants_follow(gateway: httpx.Client, bearer, shared_regions_path):
    operator = bearer("operator", subject="ops-e2e@kominfo.go.id")
    body, picked = fifty_regions(shared_regions_path)
    imported = gateway.post("/api/v1/regions/import", content=body, headers={**operator, "content-type": "text/csv"})
    assert imported.status_code == 200, imported.text
    phase = {
        "code": PHASE,
        "name": "Tahap II (e2e)",
        "year": 2018,
        "quota": 50,
        "registration_opens_on": "2018-01-01",
        "registration_closes_on": "2100-12-31",
    }
    created = gateway.post("/api/v1/phases", json=phase, headers={**operator, "idempotency-key": "e2e-phase"})
    assert created.status_code == 201, created.text
    assert gateway.post("/api/v1/phases", json=phase, headers=bearer("partner")).status_code == 403

    ids = []
    for n, (code, kind) in enumerate(picked):
        # each region's team applies for itself; its own rate limit, its own scope
        team = bearer("region", code, subject=f"team-{code}@e2e")
        applied = gateway.post(
            "/api/v1/participants", json={"region_code": code, "phase_code": PHASE, "contacts": [CONTACT]}, headers=team
        )
        assert applied.status_code == 201, applied.text
        participant = applied.json()
        assessor = bearer("operator", subject=f"assessor-{n % 5}@kominfo.go.id")
        score = 50 + n % 40
        scores = dict.fromkeys(
            ("fiscal_capacity", "green_city_index", "government_performance_index", "infrastructure", "superstructure"),
            score,
        )
        scores |= {"leadership_vision": score, "sustainable_city_index": score if kind == "kota" else None}
        assessed = gateway.put(f"/api/v1/participants/{participant['id']}/assessment", json=scores, headers=assessor)
        assert assessed.status_code == 200, assessed.text
        ids.append(participant["id"])

    own = gateway.get("/api/v1/participants", headers=bearer("region", picked[0][0], subject="team-0@e2e")).json()
    assert [p["id"] for p in own["items"]] == [ids[0]]
    elsewhere = gateway.get(f"/api/v1/participants/{ids[1]}", headers=bearer("region", picked[0][0], subject="t@e2e"))
    assert elsewhere.status_code == 404

    selection = gateway.post(f"/api/v1/phases/{PHASE}/selection", json={"dry_run": False}, headers=operator)
    assert selection.status_code == 200, selection.text
    assert (selection.json()["selected"], selection.json()["waitlisted"]) == (50, 0)

    signatures = [
        {"participant_id": pid, "signatory_name": f"Kepala Daerah {n}", "signatory_title": "Bupati/Wali Kota"}
        for n, pid in enumerate(ids)
    ]
    signing = {"signed_on": "2018-05-08", "venue": "Jakarta", "signatures": signatures}
    signed = gateway.post(f"/api/v1/phases/{PHASE}/mou-signings", json=signing, headers=operator)
    assert signed.status_code == 201, signed.text

    def tracks():
        page = gateway.get("/api/v1/tracks", params={"phase_code": PHASE, "limit": 200}, headers=operator).json()
        return page["items"] if len(page["items"]) == 50 else None

    opened = wait_for(tracks, "50 tracks opening")
    assert sorted(t["participant_id"] for t in opened) == sorted(ids)

    def counts():
        found = gateway.get(f"/api/v1/phases/{PHASE}", headers=bearer("partner")).json()["counts"]
        return found if found["mentoring"] == 50 else None

    assert {k: v for k, v in wait_for(counts, "50 participants in mentoring").items() if v} == {"mentoring": 50}
    history = gateway.get(f"/api/v1/participants/{ids[0]}/history", headers=bearer("partner")).json()["items"]
    assert [(h["to"], h["actor"]) for h in history[-2:]] == [
        ("mou_signed", "operator:ops-e2e@kominfo.go.id"),
        ("mentoring", "service:mentoring"),
    ]
