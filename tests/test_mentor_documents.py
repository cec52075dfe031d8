"""A mentor reads the documents of the regions it mentors and no others (the documents service asks mentoring)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import httpx
import pytest
from smartcity_dev.platform import Platform
from smartcity_dev.samples import pdf_bytes, synthetic_regions_csv
from smartcity_dev.testing import wait_until


def ok(response: httpx.Response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture(scope="module")
def mentored(own_platform: Callable[..., Platform], new_database: Callable[[], str], auth_for) -> dict:
    """Two regions with tracks, a document each, a mentor assigned to the first region's track only."""
    platform = own_platform(new_database(), DOCUMENTS_MENTOR_SCOPE_TTL="0")
    auth = auth_for(platform)
    ops = auth("operator")
    today = date.today()
    with httpx.Client(base_url=platform.url() + "/api/v1", timeout=60) as api:
        csv = synthetic_regions_csv({"32": "Jawa Barat"}, kabupaten=1, kota=2)
        ok(api.post("/regions/import", content=csv, headers={"content-type": "text/csv", **ops}))
        # the service reads the window in the region's time zone: from 17:00 UTC it is already tomorrow in Jakarta
        window = {
            "registration_opens_on": str(today - timedelta(days=1)),
            "registration_closes_on": str(today + timedelta(days=1)),
        }
        ok(
            api.post(
                "/phases", json={"code": "m1", "name": "Tahap M1", "year": 2027, "quota": 2, **window}, headers=ops
            ),
            201,
        )
        ids = {}
        for code in ("32.71", "32.72"):
            contact = {"role": "Kepala Diskominfo", "name": "Budi", "email": "k@example.go.id", "phone": "081234567890"}
            body = {"region_code": code, "phase_code": "m1", "contacts": [contact]}
            ids[code] = ok(api.post("/participants", json=body, headers=ops), 201)["id"]
            scores = dict.fromkeys(
                ("fiscal_capacity", "green_city_index", "government_performance_index", "sustainable_city_index"), 70
            ) | dict.fromkeys(("infrastructure", "superstructure", "leadership_vision"), 70)
            ok(api.put(f"/participants/{ids[code]}/assessment", json=scores, headers=ops))
        assert ok(api.post("/phases/m1/selection", json={"dry_run": False}, headers=ops))["selected"] == 2
        signatures = [
            {"participant_id": pid, "signatory_name": "Wali Kota", "signatory_title": "Wali Kota"}
            for pid in ids.values()
        ]
        ok(
            api.post(
                "/phases/m1/mou-signings",
                json={"signed_on": str(today), "venue": "Jakarta", "signatures": signatures},
                headers=ops,
            ),
            201,
        )
        tracks = wait_until(
            lambda: (
                (items := ok(api.get("/tracks", params={"phase_code": "m1"}, headers=ops))["items"])
                and len(items) == 2
                and items
            ),
            what="two tracks",
        )
        track = {t["region_code"]: t for t in tracks}
        mentor = ok(
            api.post(
                "/mentors",
                json={
                    "name": "Dr. Ahli",
                    "email": "ahli@its.ac.id",
                    "organization": "ITS",
                    "expertise": ["governance"],
                    "home_region_code": None,
                    "max_tracks": 5,
                },
                headers=ops,
            ),
            201,
        )
        ok(api.post(f"/tracks/{track['32.71']['id']}/mentors", json={"mentor_id": mentor["id"]}, headers=ops), 201)
        documents = {}
        for code in ("32.71", "32.72"):
            documents[code] = ok(
                api.post(
                    "/documents",
                    data={"region_code": code, "kind": "readiness_report", "title": f"Laporan {code}"},
                    files={"file": ("laporan.pdf", pdf_bytes(code), "application/pdf")},
                    headers=auth("region", code),
                ),
                201,
            )["id"]
    return {"platform": platform, "auth": auth, "documents": documents, "mentor": mentor, "track": track}


def test_a_mentor_reads_only_the_documents_of_the_regions_it_mentors(mentored):
    platform, auth, documents = mentored["platform"], mentored["auth"], mentored["documents"]
    mentor = auth("mentor", subject="ahli@its.ac.id")
    with httpx.Client(base_url=platform.url() + "/api/v1", timeout=60) as api:
        listed = ok(api.get("/documents", headers=mentor))["items"]
        assert [d["id"] for d in listed] == [documents["32.71"]]
        assert ok(api.get("/documents", params={"region_code": "32.72"}, headers=mentor))["items"] == []
        for path in ("", "/content", "/versions/1/content"):
            assert api.get(f"/documents/{documents['32.72']}{path}", headers=mentor).status_code == 404, path
            assert api.get(f"/documents/{documents['32.71']}{path}", headers=mentor).status_code == 200, path
        # a mentor with no track reads nothing; staff and partners read every region
        stranger = auth("mentor", subject="bukan.mentor@example.ac.id")
        assert ok(api.get("/documents", headers=stranger))["items"] == []
        assert api.get(f"/documents/{documents['32.71']}", headers=stranger).status_code == 404
        assert len(ok(api.get("/documents", headers=auth("partner")))["items"]) == 2


def test_a_mentor_unassigned_from_a_track_stops_reading_its_region(mentored):
    platform, auth, documents = mentored["platform"], mentored["auth"], mentored["documents"]
    mentor = auth("mentor", subject="ahli@its.ac.id")
    track, mentor_id = mentored["track"]["32.71"], mentored["mentor"]["id"]
    with httpx.Client(base_url=platform.url() + "/api/v1", timeout=60) as api:
        assert api.get(f"/documents/{documents['32.71']}", headers=mentor).status_code == 200
        removed = api.delete(f"/tracks/{track['id']}/mentors/{mentor_id}", headers=auth("operator"))
        assert removed.status_code == 204, removed.text
        assert api.get(f"/documents/{documents['32.71']}", headers=mentor).status_code == 404
