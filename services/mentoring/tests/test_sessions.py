"""Workshops: checked input named in one 422, offsets kept, the region's zone, scoping, attendance."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from mentoring.workshops.models import Workshop


def workshop(track_ids, mentor_ids=(), **overrides):
    return {
        "stage": "bimtek_1",
        "title": "Bimtek I, Jakarta",
        "starts_at": "2018-07-10T08:30:00+07:00",
        "ends_at": "2018-07-11T17:00:00+07:00",
        "mode": "offline",
        "venue": "Hotel Borobudur, Jakarta",
        "track_ids": [str(t) for t in track_ids],
        "mentor_ids": [str(m) for m in mentor_ids],
        **overrides,
    }


async def create(client, as_role, body, language=None):
    return await client.post("/api/v1/sessions", json=body, headers=as_role("operator", language=language))


async def test_a_workshop_keeps_its_offset_and_shows_each_region_its_zone(client, as_role, make_track, make_mentor):
    bandung, makassar, jayapura = await make_track("32.73"), await make_track("73.71"), await make_track("94.71")
    mentor = await make_mentor(home_region_code=None)
    created = await create(client, as_role, workshop([bandung.id, makassar.id, jayapura.id], [mentor["id"]]))
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["starts_at"], body["ends_at"]) == ("2018-07-10T08:30:00+07:00", "2018-07-11T17:00:00+07:00")
    assert body["mentor_ids"] == [mentor["id"]]
    assert sorted(body["track_ids"]) == sorted(str(t.id) for t in (bandung, makassar, jayapura))
    assert body["time_zone"] is None and body["local_starts_at"] is None

    def local(region):
        return client.get("/api/v1/sessions", headers=as_role("region", region))

    wita = (await local("73.71")).json()["items"][0]
    assert (wita["time_zone"], wita["local_starts_at"], wita["local_ends_at"]) == (
        "Asia/Makassar",
        "2018-07-10T09:30:00+08:00",
        "2018-07-11T18:00:00+08:00",
    )
    assert wita["starts_at"] == "2018-07-10T08:30:00+07:00"  # the stored time is shown as given
    assert wita["track_ids"] == [str(makassar.id)]  # a region sees only its own track
    wit = (await local("94.71")).json()["items"][0]
    assert (wit["time_zone"], wit["local_starts_at"]) == ("Asia/Jayapura", "2018-07-10T10:30:00+09:00")
    wib = (await local("32.73")).json()["items"][0]
    assert (wib["time_zone"], wib["local_starts_at"]) == ("Asia/Jakarta", "2018-07-10T08:30:00+07:00")
    assert (await local("51.71")).json()["items"] == []  # Denpasar is not in it

    utc = await create(
        client, as_role, workshop([bandung.id], starts_at="2018-08-01T01:00:00Z", ends_at="2018-08-01T09:00:00+00:00")
    )
    assert (utc.json()["starts_at"], utc.json()["ends_at"]) == ("2018-08-01T01:00:00Z", "2018-08-01T09:00:00Z")
    one = await client.get(f"/api/v1/sessions/{utc.json()['id']}", headers=as_role("partner"))
    assert one.status_code == 200 and one.headers["etag"]


async def test_nonsense_is_refused_naming_every_problem(client, as_role, make_track, session):
    track = await make_track()
    body = workshop(
        [track.id, uuid.uuid4()],
        [uuid.uuid4()],
        stage="bimtek_9",
        starts_at="2018-07-11T17:00:00+07:00",
        ends_at="2018-07-10T08:30:00+07:00",
        mode="online",
    )
    response = await create(client, as_role, body)
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("stage", "unknown_stage"),
        ("ends_at", "ends_before_start"),
        ("url", "required"),
        ("track_ids[1]", "unknown_track"),
        ("mentor_ids[0]", "unknown_mentor"),
    ]
    assert response.json()["detail"] == "The workshop has 5 problem(s); nothing was saved."
    assert "bimtek_1, bimtek_2, bimtek_3, bimtek_4" in response.json()["errors"][0]["message"]

    for overrides, field in [
        ({"starts_at": "2018-07-10T08:30:00"}, "starts_at"),  # no offset
        ({"ends_at": "tomorrow"}, "ends_at"),
        ({"ends_at": "2018-07-10T08:30:00+07:00"}, "ends_at"),  # ends as it starts
        ({"ends_at": "2018-08-10T08:30:00+07:00"}, "ends_at"),  # a month long
        ({"mode": "hybrid"}, "mode"),
        ({"venue": None}, "venue"),
        ({"track_ids": []}, "track_ids"),
        ({"track_ids": [str(track.id), str(track.id)]}, "track_ids"),
        ({"room": "A"}, "room"),
    ]:
        response = await create(client, as_role, {**workshop([track.id]), **overrides})
        assert response.status_code == 422, overrides
        assert [e["field"] for e in response.json()["errors"]] == [field], overrides
    assert (await session.execute(sa.select(sa.func.count()).select_from(Workshop))).scalar_one() == 0
    for role in ("region", "mentor", "partner"):
        assert (
            await client.post("/api/v1/sessions", json=workshop([track.id]), headers=as_role(role))
        ).status_code == 403


async def test_list_filters_and_mentor_scope(client, as_role, make_track, make_mentor, assign):
    a, b = await make_track("32.73"), await make_track("33.74")
    runner = await make_mentor(home_region_code=None)
    tracker = await make_mentor(home_region_code=None)
    await assign(b.id, tracker["id"])
    first = (await create(client, as_role, workshop([a.id], [runner["id"]]))).json()
    second = (
        await create(
            client,
            as_role,
            workshop([a.id, b.id], starts_at="2018-09-03T09:00:00+08:00", ends_at="2018-09-04T16:00:00+08:00"),
        )
    ).json()

    async def ids(headers, **params):
        response = await client.get("/api/v1/sessions", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["items"]]

    partner = as_role("partner")
    assert await ids(partner) == [first["id"], second["id"]]
    assert await ids(partner, track_id=str(b.id)) == [second["id"]]
    assert await ids(partner, **{"from": "2018-08-01T00:00:00+07:00"}) == [second["id"]]
    assert await ids(partner, to="2018-08-01T00:00:00+07:00") == [first["id"]]
    assert await ids(as_role("mentor", subject=runner["email"])) == [first["id"]]
    assert await ids(as_role("mentor", subject=tracker["email"])) == [second["id"]]
    assert await ids(as_role("region", "33.74")) == [second["id"]]
    bad = await client.get("/api/v1/sessions", params={"from": "2018-08-01T00:00:00"}, headers=partner)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "from"
    hidden = await client.get(f"/api/v1/sessions/{first['id']}", headers=as_role("region", "33.74"))
    assert hidden.status_code == 404


async def test_attendance_per_track(client, as_role, make_track, make_mentor, assign):
    a, b = await make_track("32.73"), await make_track("33.74")
    runner = await make_mentor(home_region_code=None)
    outsider = await make_mentor(home_region_code=None)
    await assign(a.id, outsider["id"])
    session_id = (await create(client, as_role, workshop([a.id, b.id], [runner["id"]]))).json()["id"]
    path = f"/api/v1/sessions/{session_id}/attendance"
    rows = [
        {"track_id": str(a.id), "present": True, "attendees": ["Kepala Bappeda", "Kadis Kominfo"]},
        {"track_id": str(b.id), "present": False},
    ]
    recorded = await client.put(path, json=rows, headers=as_role("mentor", subject=runner["email"]))
    assert recorded.status_code == 200, recorded.text
    attendance = {r["track_id"]: (r["present"], r["attendees"]) for r in recorded.json()["attendance"]}
    assert attendance == {str(a.id): (True, ["Kepala Bappeda", "Kadis Kominfo"]), str(b.id): (False, [])}

    # a mentor of track a (not running the workshop) may record a, not b
    own = [{"track_id": str(a.id), "present": True, "attendees": ["Sekda"]}]
    assert (await client.put(path, json=own, headers=as_role("mentor", subject=outsider["email"]))).status_code == 200
    theirs = [{"track_id": str(b.id), "present": True}]
    refused = await client.put(path, json=theirs, headers=as_role("mentor", subject=outsider["email"], language="id"))
    assert (refused.status_code, refused.json()["code"], refused.json()["title"]) == (
        403,
        "attendance-not-yours",
        "Bukan sesi Bimtek Anda",
    )

    stranger = await make_track("35.78")
    bad = [
        {"track_id": str(stranger.id), "present": True},
        {"track_id": str(a.id), "present": False, "attendees": ["Someone"]},
    ]
    response = await client.put(path, json=bad, headers=as_role("operator"))
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("[0].track_id", "track_not_in_session"),
        ("[1].attendees", "attendees_of_absent"),
    ]
    assert (await client.put(path, json=rows, headers=as_role("region", "32.73"))).status_code == 403
    assert (await client.put(path, json=rows, headers=as_role("partner"))).status_code == 403
    missing = await client.put(f"/api/v1/sessions/{uuid.uuid4()}/attendance", json=rows, headers=as_role("operator"))
    assert missing.status_code == 404


async def test_a_track_or_mentor_cannot_be_in_two_workshops_at_once(client, as_role, make_track, make_mentor):
    a, b, c = await make_track("32.73"), await make_track("33.74"), await make_track("35.78")
    mentor = await make_mentor(home_region_code=None)
    assert (await create(client, as_role, workshop([a.id, b.id], [mentor["id"]]))).status_code == 201
    # 2018-07-11 10:00 WITA is 09:00 WIB, inside the first workshop (until 17:00 WIB)
    later = {"starts_at": "2018-07-11T10:00:00+08:00", "ends_at": "2018-07-12T12:00:00+08:00"}
    clash = await create(client, as_role, workshop([c.id, b.id], **later))
    assert (clash.status_code, clash.json()["code"]) == (409, "workshop-overlap")
    assert clash.json()["busy_track_ids"] == [str(b.id)] and clash.json()["busy_mentor_ids"] == []
    first_id = (await client.get("/api/v1/sessions", headers=as_role("operator"))).json()["items"][0]["id"]
    assert clash.json()["errors"] == [
        {"field": "track_ids[1]", "code": "busy", "message": f"The track {b.id} is in session {first_id} then."}
    ]
    mentor_clash = await create(client, as_role, workshop([c.id], [mentor["id"]], **later), language="id")
    assert mentor_clash.json()["busy_mentor_ids"] == [mentor["id"]]
    assert mentor_clash.json()["detail"] == (
        "Waktu sesi Bimtek ini bertumpukan dengan sesi lain: 1 jalur pendampingan atau mentor pada sesi ini sudah "
        "terjadwal di sesi lain pada waktu itu."
    )
    assert mentor_clash.json()["errors"] == [
        {
            "field": "mentor_ids[0]",
            "code": "busy",
            "message": f"Pada waktu itu mentor {mentor['id']} sedang mengisi sesi {first_id}.",
        }
    ]
    after = {"starts_at": "2018-07-11T18:00:00+08:00", "ends_at": "2018-07-12T12:00:00+08:00"}  # 17:00 WIB: touching
    assert (await create(client, as_role, workshop([a.id, b.id, c.id], [mentor["id"]], **after))).status_code == 201


async def test_times_are_rfc3339_with_an_offset_never_seconds_since_1970(client, as_role, make_track):
    """Found by fuzzing: `?to=0.5` was read as half a second after 1970 and answered 200."""
    listed = await client.get("/api/v1/sessions", params={"to": "0.5"}, headers=as_role("operator"))
    assert listed.status_code == 422
    assert [e["field"] for e in listed.json()["errors"]] == ["to"]
    track = await make_track("32.73")
    created = await create(client, as_role, workshop([track.id], starts_at=1531186200, ends_at="1531299600"))
    assert created.status_code == 422
    assert sorted(e["field"] for e in created.json()["errors"]) == ["ends_at", "starts_at"]
