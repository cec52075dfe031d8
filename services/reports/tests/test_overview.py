"""The overview counted from the feeds: the funnel, statuses, provinces, time zones, stages, phases, people."""

from __future__ import annotations

FULL = ("applied", "assessed", "selected", "mou_signed", "mentoring")


def year(feeds) -> dict[str, str]:
    """Phase 2027: 6 applications in three provinces and zones; 3 signed; tracks at several stages."""
    ids = {
        "bandung": feeds.walk("32.73", "2027", *FULL, "completed"),
        "bogor": feeds.walk("32.71", "2027", *FULL),
        "makassar": feeds.walk("73.71", "2027", *FULL),
        "jayapura": feeds.walk("91.71", "2027", "applied", "assessed", "waitlisted"),
        "ambon": feeds.walk("81.71", "2027", "applied", "assessed", "rejected"),
        "medan": feeds.walk("12.71", "2027", "applied", "withdrawn"),
    }
    feeds.track(ids["bandung"], "32.73", "2027", "bimtek_2", "bimtek_3", "bimtek_4", "completed")
    feeds.track(ids["bogor"], "32.71", "2027", "bimtek_2")
    feeds.track(ids["makassar"], "73.71", "2027")
    feeds.statistics("32.73", 2_500_000)
    feeds.statistics("32.71", 1_000_000)
    feeds.statistics("73.71", 1_400_000)
    feeds.statistics("91.71", 400_000)
    feeds.statistics("81.71", 350_000)
    feeds.statistics("12.71", 2_400_000)
    return ids


async def test_a_phase_is_counted_from_its_events(feeds, catch_up, client, as_role):
    year(feeds)
    assert await catch_up() == 30 + 8
    response = await client.get("/api/v1/reports/overview?phase_code=2027", headers=as_role("operator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scope"] == {"phase_code": "2027", "province_code": None, "region_code": None}
    assert body["summary"] == {
        "participants": 6,
        "taking_part": 4,
        "mous_signed": 3,
        "tracks_opened": 3,
        "tracks_active": 2,
        "tracks_completed": 1,
        "tracks_withdrawn": 0,
        "completion_rate": 0.3333,
        "population_taking_part": 5_300_000,
        "population_reached": 4_900_000,
    }
    statuses = {row["status"]: (row["participants"], row["population"]) for row in body["statuses"]}
    assert statuses == {
        "applied": (0, 0),
        "assessed": (0, 0),
        "selected": (0, 0),
        "waitlisted": (1, 400_000),
        "rejected": (1, 350_000),
        "mou_signed": (0, 0),
        "mentoring": (2, 2_400_000),
        "completed": (1, 2_500_000),
        "withdrawn": (1, 2_400_000),
    }
    assert [(r["step"], r["label"], r["reached"]) for r in body["funnel"]] == [
        ("applied", "Mendaftar", 6),
        ("assessed", "Dinilai", 5),
        ("selected", "Terpilih", 3),
        ("mou_signed", "MoU ditandatangani", 3),
        ("mentoring", "Pendampingan", 3),
        ("completed", "Selesai", 1),
    ]
    provinces = {row["province_code"]: row for row in body["provinces"]}
    assert len(provinces) == 38
    assert provinces["32"] | {} == {
        "province_code": "32",
        "province": "Jawa Barat",
        "participants": 2,
        "applied": 0,
        "assessed": 0,
        "selected": 0,
        "waitlisted": 0,
        "rejected": 0,
        "mou_signed": 0,
        "mentoring": 1,
        "completed": 1,
        "withdrawn": 0,
        "population": 3_500_000,
    }
    assert provinces["12"]["withdrawn"] == 1 and provinces["12"]["population"] == 0
    assert provinces["11"]["participants"] == 0
    zones = {row["time_zone"]: (row["label"], row["participants"], row["mentoring"]) for row in body["time_zones"]}
    assert zones == {
        "Asia/Jakarta": ("WIB", 3, 1),
        "Asia/Makassar": ("WITA", 1, 1),
        "Asia/Jayapura": ("WIT", 2, 0),
    }
    assert [(r["stage"], r["tracks"]) for r in body["stages"]] == [
        ("bimtek_1", 1),
        ("bimtek_2", 1),
        ("bimtek_3", 0),
        ("bimtek_4", 0),
    ]
    assert body["phases"] == [
        {
            "phase_code": "2027",
            "name": None,
            "year": None,
            "quota": None,
            "participants": 6,
            "first_applied_on": "2027-01-11",
            "mous_signed": 3,
            "last_signed_on": "2027-01-11",
            "tracks_opened": 3,
            "tracks_completed": 1,
            "completion_rate": 0.3333,
        }
    ]


async def test_every_event_applied_twice_changes_nothing(feeds, catch_up, client, as_role, engine):
    year(feeds)
    await catch_up()
    first = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    async with engine.begin() as conn:  # as after a crash before the cursors moved: the feeds again
        from sqlalchemy import text

        await conn.execute(text("DELETE FROM reports.consumer_cursors"))
    assert await catch_up() == 38
    again = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    assert again == first


async def test_scope_narrows_to_a_province_and_a_region(feeds, catch_up, client, as_role):
    year(feeds)
    await catch_up()
    body = (await client.get("/api/v1/reports/overview?province_code=32", headers=as_role("partner"))).json()
    assert body["scope"] == {"phase_code": None, "province_code": "32", "region_code": None}
    assert body["summary"]["participants"] == 2 and body["summary"]["tracks_opened"] == 2
    assert [p["province_code"] for p in body["provinces"]] == ["32"]
    body = (await client.get("/api/v1/reports/overview?region_code=73.71", headers=as_role("mentor"))).json()
    assert body["scope"] == {"phase_code": None, "province_code": "73", "region_code": "73.71"}
    assert body["summary"]["participants"] == 1 and body["summary"]["population_reached"] == 1_400_000
    assert [(r["stage"], r["tracks"]) for r in body["stages"]][0] == ("bimtek_1", 1)


async def test_a_region_sees_only_its_own_figures(feeds, catch_up, client, as_role):
    year(feeds)
    await catch_up()
    region = as_role("region", "32.71")
    body = (await client.get("/api/v1/reports/overview?phase_code=2027", headers=region)).json()
    assert body["scope"] == {"phase_code": "2027", "province_code": "32", "region_code": "32.71"}
    assert body["summary"]["participants"] == 1 and body["summary"]["tracks_active"] == 1
    for query in ("region_code=32.73", "province_code=73", "province_code=32&region_code=32.73"):
        response = await client.get(f"/api/v1/reports/overview?{query}", headers=region)
        assert response.status_code == 404, query
        assert response.headers["content-type"] == "application/problem+json"
    assert (await client.get("/api/v1/reports/overview?province_code=32", headers=region)).status_code == 200
    nowhere = as_role("region", None)
    assert (await client.get("/api/v1/reports/overview", headers=nowhere)).status_code == 404


async def test_unknown_or_malformed_scope_is_a_problem(feeds, catch_up, client, as_role):
    year(feeds)
    await catch_up()
    ops = as_role("operator")
    cases = {
        "phase_code=2099": (404, "Tidak ada tahap 2099."),
        "province_code=99": (404, "Tidak ada provinsi 99."),
        "region_code=99.71": (404, "Tidak ada daerah 99.71."),
        "province_code=31&region_code=32.73": (404, "Tidak ada daerah 32.73 di provinsi 31."),
        "province_code=3": (422, None),
        "region_code=32-73": (422, None),
        "region_code=32.73%00": (422, None),
        "phase_code=": (422, None),
    }
    for query, (status, indonesian) in cases.items():
        response = await client.get(f"/api/v1/reports/overview?{query}", headers=ops)
        assert response.status_code == status, (query, response.text)
        assert response.json()["status"] == status
        assert response.json()["code"] == {404: "not-found", 422: "validation-failed"}[status]
        if indonesian is not None:
            in_indonesian = await client.get(
                f"/api/v1/reports/overview?{query}", headers={**ops, "Accept-Language": "id-ID,en;q=0.5"}
            )
            assert (in_indonesian.json()["title"], in_indonesian.json()["detail"]) == ("Tidak ditemukan", indonesian)
    assert (await client.get("/api/v1/reports/overview")).status_code == 401


async def test_a_phase_with_no_data_is_zeros_and_nothing_is_an_empty_report(feeds, catch_up, client, as_role):
    body = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    assert body["summary"]["participants"] == 0 and body["summary"]["completion_rate"] == 0.0
    assert body["phases"] == [] and len(body["provinces"]) == 38
    assert all(row["reached"] == 0 for row in body["funnel"])
    feeds.walk("32.73", "2028", "applied", "withdrawn")
    await catch_up()
    body = (await client.get("/api/v1/reports/overview?phase_code=2028", headers=as_role("operator"))).json()
    assert body["summary"]["taking_part"] == 0 and body["summary"]["participants"] == 1


async def test_english_labels_on_request(feeds, catch_up, client, as_role):
    body = (await client.get("/api/v1/reports/overview?lang=en", headers=as_role("operator"))).json()
    assert [r["label"] for r in body["funnel"]][:3] == ["Applied", "Assessed", "Selected"]
    assert (await client.get("/api/v1/reports/overview?lang=fr", headers=as_role("operator"))).status_code == 422


async def test_a_malformed_event_is_logged_and_skipped(feeds, catch_up, client, as_role):
    feeds.add("participants", "participant.status_changed", "participants/x", {"participant_id": "not-a-uuid"})
    feeds.add("participants", "participant.status_changed", "participants/y", {"region_code": "32.73"})
    feeds.add("mentoring", "track.opened", "tracks/x", {"track_id": "x"})
    feeds.add("participants", "some.future_event", "x/1", {"anything": True})
    feeds.walk("32.73", "2027", "applied")
    assert await catch_up() == 5
    body = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    assert body["summary"]["participants"] == 1 and body["summary"]["tracks_opened"] == 0
