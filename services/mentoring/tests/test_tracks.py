"""Tracks through the API: scoping, filters, mentor assignment (capacity, home region, races)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import sqlalchemy as sa
from mentoring.main import create_app
from mentoring.tracks.service import open_track
from smartcity_kit.db import make_sessionmaker


async def test_each_caller_sees_the_tracks_of_its_scope(client, as_role, make_track, make_mentor, assign):
    bandung = await make_track("32.73")
    denpasar = await make_track("51.71")
    mentor = await make_mentor(home_region_code="35.78")
    assert (await assign(bandung.id, mentor["id"])).status_code == 201

    def ids(response):
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["items"]]

    everyone = [str(bandung.id), str(denpasar.id)]
    assert ids(await client.get("/api/v1/tracks", headers=as_role("partner"))) == everyone
    assert ids(await client.get("/api/v1/tracks", headers=as_role("operator"))) == everyone
    assert ids(await client.get("/api/v1/tracks", headers=as_role("region", "51.71"))) == [str(denpasar.id)]
    mentor_headers = as_role("mentor", subject=mentor["email"])
    assert ids(await client.get("/api/v1/tracks", headers=mentor_headers)) == [str(bandung.id)]
    by_id = as_role("mentor", subject=mentor["id"])
    assert ids(await client.get("/api/v1/tracks", headers=by_id)) == [str(bandung.id)]
    assert ids(await client.get("/api/v1/tracks", headers=as_role("mentor", subject="stranger@x.id"))) == []

    own = await client.get(f"/api/v1/tracks/{denpasar.id}", headers=as_role("region", "51.71"))
    assert own.status_code == 200 and own.headers["etag"]
    assert own.json()["time_zone"] == "Asia/Makassar" and own.json()["mentor_ids"] == []
    assert (await client.get(f"/api/v1/tracks/{denpasar.id}", headers=as_role("region", "32.73"))).status_code == 404
    assert (await client.get(f"/api/v1/tracks/{denpasar.id}", headers=mentor_headers)).status_code == 404
    assert (await client.get(f"/api/v1/tracks/{uuid.uuid4()}", headers=as_role("operator"))).status_code == 404


async def test_track_filters(client, as_role, make_track, make_mentor, assign):
    a = await make_track("32.73", "2018")
    b = await make_track("33.74", "2019")
    mentor = await make_mentor(home_region_code=None)
    await assign(b.id, mentor["id"])
    headers = as_role("partner")

    async def ids(**params):
        response = await client.get("/api/v1/tracks", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [t["id"] for t in response.json()["items"]]

    assert await ids(phase_code="2019") == [str(b.id)]
    assert await ids(region_code="32.73") == [str(a.id)]
    assert await ids(mentor_id=mentor["id"]) == [str(b.id)]
    assert await ids(participant_id=str(a.participant_id)) == [str(a.id)]
    assert await ids(stage="bimtek_1") == [str(a.id), str(b.id)]
    assert await ids(stage="bimtek_2") == []
    assert await ids(status="active", limit=1) == [str(a.id)]
    for params in ({"stage": "Bimtek I"}, {"region_code": "Bandung"}, {"mentor_id": "x"}, {"limit": 201}):
        assert (await client.get("/api/v1/tracks", params=params, headers=headers)).status_code == 422, params


async def test_assignment_refuses_capacity_and_home_region_saying_which(
    client, as_role, make_track, make_mentor, assign
):
    first, second = await make_track("35.78"), await make_track("33.74")
    home = await make_track("32.73")
    mentor = await make_mentor(home_region_code="32.73", max_tracks=1)

    refused = await assign(home.id, mentor["id"])
    assert refused.status_code == 409
    assert (refused.json()["code"], refused.json()["reason"]) == ("mentor-home-region", "home_region")
    assert "own home region 32.73" in refused.json()["detail"]

    ok = await assign(first.id, mentor["id"])
    assert ok.status_code == 201
    assert ok.json()["mentor_ids"] == [mentor["id"]]
    twice = await assign(first.id, mentor["id"])
    assert (twice.status_code, twice.json()["code"]) == (409, "mentor-already-assigned")

    full = await assign(second.id, mentor["id"])
    assert full.status_code == 409
    assert (full.json()["code"], full.json()["reason"]) == ("mentor-at-capacity", "capacity")
    assert "at capacity: 1 of 1" in full.json()["detail"]
    loaded = await client.get(f"/api/v1/mentors/{mentor['id']}", headers=as_role("partner"))
    assert loaded.json()["active_tracks"] == 1

    path = f"/api/v1/tracks/{first.id}/mentors/{mentor['id']}"
    assert (await client.delete(path, headers=as_role("region", "35.78"))).status_code == 403
    assert (await client.delete(path, headers=as_role("operator"))).status_code == 204
    assert (await client.delete(path, headers=as_role("operator"))).status_code == 404
    assert (await assign(second.id, mentor["id"])).status_code == 201  # the place freed


async def test_assignment_bad_input_and_roles(client, as_role, make_track, make_mentor, assign):
    track = await make_track()
    mentor = await make_mentor(home_region_code=None)
    unknown = await assign(track.id, uuid.uuid4())
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "mentor_id", "code": "unknown_mentor", "message": "Unknown mentor."}]
    assert (await assign(uuid.uuid4(), mentor["id"])).status_code == 404
    path = f"/api/v1/tracks/{track.id}/mentors"
    assert (await client.post(path, json={"mentor_id": "abc"}, headers=as_role("operator"))).status_code == 422
    for role in ("region", "mentor", "partner"):
        response = await client.post(path, json={"mentor_id": mentor["id"]}, headers=as_role(role, "32.73"))
        assert response.status_code == 403, role


async def test_concurrent_assignments_never_exceed_capacity(engine, settings, as_role):
    """Six operators assign one mentor with two places to six tracks at the same moment (real transactions)."""
    maker = make_sessionmaker(engine)
    app = create_app(settings)
    app.state.engine, app.state.sessionmaker = engine, maker
    track_ids = []
    async with maker() as s:
        mentor = await s.execute(
            sa.text(
                "INSERT INTO mentoring.mentors (id, name, email, organization, expertise, max_tracks)"
                " VALUES (gen_random_uuid(), 'Race', :e, 'Org', '{governance}', 2) RETURNING id"
            ),
            {"e": f"race-{uuid.uuid4().hex}@x.id"},
        )
        mentor_id = mentor.scalar_one()
        for i in range(6):
            t = await open_track(
                s, participant_id=uuid.uuid4(), region_code=f"33.{71 + i}", phase_code="race", time_zone="Asia/Jakarta"
            )
            track_ids.append(t.id)
        await s.commit()
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as c:
            responses = await asyncio.gather(
                *(
                    c.post(
                        f"/api/v1/tracks/{t}/mentors", json={"mentor_id": str(mentor_id)}, headers=as_role("operator")
                    )
                    for t in track_ids
                )
            )
        assert sorted(r.status_code for r in responses) == [201, 201, 409, 409, 409, 409]
        async with maker() as s:
            count = await s.execute(
                sa.text("SELECT count(*) FROM mentoring.track_mentors WHERE mentor_id = :m"), {"m": mentor_id}
            )
            assert count.scalar_one() == 2
    finally:
        async with engine.begin() as conn:
            await conn.execute(sa.text("TRUNCATE mentoring.tracks, mentoring.events CASCADE"))
            await conn.execute(sa.text("DELETE FROM mentoring.mentors WHERE id = :m"), {"m": mentor_id})
