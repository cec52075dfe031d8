"""The mentoring service behind the gateway with real processes: wiring, roles, problems."""

from __future__ import annotations

import uuid

import httpx


def test_curriculum_and_mentors_through_the_gateway(gateway: httpx.Client, bearer):
    stages = gateway.get("/api/v1/curriculum", headers=bearer("region", "32.73"))
    assert stages.status_code == 200, stages.text
    assert [s["code"] for s in stages.json()["items"]] == ["bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4"]

    body = {
        "name": "Mentor E2E",
        "email": f"e2e-{uuid.uuid4().hex[:8]}@ui.ac.id",
        "organization": "Universitas Indonesia",
        "expertise": ["society"],
        "max_tracks": 4,
    }
    created = gateway.post("/api/v1/mentors", json=body, headers={**bearer("operator"), "idempotency-key": "m-1"})
    assert created.status_code == 201, created.text
    replay = gateway.post("/api/v1/mentors", json=body, headers={**bearer("operator"), "idempotency-key": "m-1"})
    assert (replay.status_code, replay.json()["id"]) == (201, created.json()["id"])
    listed = gateway.get("/api/v1/mentors", params={"dimension": "society"}, headers=bearer("partner"))
    assert created.json()["id"] in [m["id"] for m in listed.json()["items"]]
    assert gateway.post("/api/v1/mentors", json=body, headers=bearer("partner")).status_code == 403


def test_tracks_are_scoped_and_problems_are_json(gateway: httpx.Client, bearer):
    missing = gateway.get(f"/api/v1/tracks/{uuid.uuid4()}", headers=bearer("region", "32.73"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert gateway.get("/api/v1/tracks", headers=bearer("partner")).status_code == 200
    feed = gateway.get("/api/v1/events/mentoring", headers=bearer("partner"))
    assert feed.status_code == 200 and "items" in feed.json()
    assert gateway.get("/api/v1/sessions", headers=bearer("region", "32.73")).json()["items"] == []
