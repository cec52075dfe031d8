"""Applying: who, which regions, the window, once in the programme; contacts; reads and scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from babel.dates import format_date
from participants.applications.models import Participant, StatusChange
from participants.database import events


async def count(session, table) -> int:
    return (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar()


async def test_apply_records_history_and_an_event(client, session, regions, make_phase, apply, as_role, contact):
    await make_phase()
    response = await apply("32.73", headers=as_role("region", "32.73", subject="tim@bandung.go.id"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["status"], body["region_code"], body["region_name"], body["kind"]) == (
        "applied",
        "32.73",
        "Kota Bandung",
        "kota",
    )
    assert body["contacts"] == [{**contact, "phone": "+6281234567890"}]
    assert (body["time_zone"], body["province_code"], body["assessment"], body["readiness_score"]) == (
        "Asia/Jakarta",
        "32",
        None,
        None,
    )
    history = (await client.get(f"/api/v1/participants/{body['id']}/history", headers=as_role("partner"))).json()
    assert [(h["from"], h["to"], h["actor"], h["reason"]) for h in history["items"]] == [
        (None, "applied", "region:tim@bandung.go.id", None)
    ]
    rows = (
        await session.execute(sa.select(events.c.type, events.c.subject, events.c.data).order_by(events.c.id))
    ).all()
    subject = f"participants/{body['id']}"
    assert [(r.type, r.subject) for r in rows] == [
        ("phase.created", "phases/2018"),
        ("participant.status_changed", subject),
        ("participant.applied", subject),
    ]
    assert rows[1].data == {
        "participant_id": body["id"],
        "region_code": "32.73",
        "phase_code": "2018",
        "time_zone": "Asia/Jakarta",
        "from": None,
        "to": "applied",
        "actor": "region:tim@bandung.go.id",
        "reason": None,
        "promoted_in_place_of": None,
        "track_id": None,
    }
    assert rows[2].data == {
        "participant_id": body["id"],
        "region_code": "32.73",
        "region_name": "Kota Bandung",
        "kind": "kota",
        "province_code": "32",
        "time_zone": "Asia/Jakarta",
        "phase_code": "2018",
        "applied_at": body["applied_at"].replace("+00:00", "Z"),
        "actor": "region:tim@bandung.go.id",
    }


async def test_phone_numbers_are_normalised(client, regions, make_phase, as_role, contact):
    await make_phase()
    contacts = [
        {**contact, "phone": "(022) 423-4567"},
        {**contact, "phone": "+62 811 222 333"},
        {**contact, "phone": "62 812 3456 7890"},
    ]
    body = {"region_code": "32.04", "phase_code": "2018", "contacts": contacts}
    response = await client.post("/api/v1/participants", json=body, headers=as_role("operator"))
    assert response.status_code == 201, response.text
    assert [c["phone"] for c in response.json()["contacts"]] == ["+62224234567", "+62811222333", "+6281234567890"]


async def test_bad_applications_are_refused_and_leave_nothing(client, session, regions, make_phase, as_role, contact):
    await make_phase()
    cases = [
        ({"region_code": "32"}, 422, "region_code"),
        ({"region_code": "32.99"}, 422, "region_code"),
        ({"phase_code": "1999"}, 422, "phase_code"),
        ({"contacts": []}, 422, "contacts"),
        ({"contacts": [{**contact, "email": "not-an-email"}]}, 422, "contacts[0].email"),
        ({"contacts": [{**contact, "phone": "12345"}]}, 422, "contacts[0].phone"),
        ({"contacts": [{**contact, "phone": "+1 202 555 0143"}]}, 422, "contacts[0].phone"),
        ({"contacts": [{**contact, "fax": "022"}]}, 422, "contacts[0].fax"),
        ({"status": "selected"}, 422, "status"),
    ]
    for change, status, field in cases:
        body = {"region_code": "32.73", "phase_code": "2018", "contacts": [contact], **change}
        response = await client.post("/api/v1/participants", json=body, headers=as_role("operator"))
        assert response.status_code == status, (change, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["field"] for e in response.json()["errors"]] == [field], change
    assert await count(session, Participant) == 0
    assert await count(session, StatusChange) == 0
    assert await count(session, events) == 1  # the phase's


async def test_the_registration_window_must_be_open(client, session, regions, make_phase, apply):
    today = date.today()
    await make_phase("past", registration_opens_on="2018-01-01", registration_closes_on=str(today - timedelta(days=2)))
    await make_phase(
        "future", registration_opens_on=str(today + timedelta(days=2)), registration_closes_on="2100-01-01"
    )
    for code in ("past", "future"):
        response = await apply("32.73", code)
        assert response.status_code == 409
        assert response.json()["detail"].startswith(f"Registration for phase '{code}' is open from ")
    assert await count(session, Participant) == 0


async def test_registration_closed_is_a_code_in_either_language_with_dates_as_each_writes_them(
    regions, make_phase, apply, as_role
):
    await make_phase("past", registration_opens_on="2018-01-01", registration_closes_on="2018-03-31")
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # Bandung's today, in WIB
    english = await apply("32.73", "past")
    indonesian = await apply("32.73", "past", headers={**as_role("operator"), "Accept-Language": "id-ID"})
    assert english.status_code == indonesian.status_code == 409
    assert (english.headers["content-language"], indonesian.headers["content-language"]) == ("en", "id")
    assert english.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/registration-closed",
        "code": "registration-closed",
        "title": "Registration closed",
        "status": 409,
        "detail": "Registration for phase 'past' is open from January 1, 2018 to March 31, 2018; "
        f"today is {format_date(today, 'long', locale='en')} in WIB.",
    }
    assert indonesian.json() == {
        **english.json(),
        "title": "Pendaftaran ditutup",
        "detail": "Pendaftaran tahap 'past' dibuka dari 1 Januari 2018 sampai 31 Maret 2018; "
        f"hari ini {format_date(today, 'long', locale='id')} di WIB.",
    }


async def test_a_province_or_an_unknown_phase_cannot_apply_and_each_says_why(regions, make_phase, apply, as_role):
    await make_phase()
    indonesian = {**as_role("operator"), "Accept-Language": "id"}
    province = await apply("32", headers=indonesian)
    assert province.status_code == 422
    assert province.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/region-cannot-apply",
        "code": "region-cannot-apply",
        "title": "Wilayah tidak dapat mendaftar",
        "status": 422,
        "detail": "Wilayah '32' tidak dapat mendaftar.",
        "errors": [
            {
                "field": "region_code",
                "code": "not_a_kabupaten_or_kota",
                "message": "Provinsi tidak dapat mendaftar: hanya kabupaten atau kota.",
            }
        ],
    }
    phase = await apply("32.73", "2099")
    assert (phase.status_code, phase.json()["code"], phase.json()["errors"]) == (
        422,
        "unknown-phase",
        [{"field": "phase_code", "code": "unknown_phase", "message": "Unknown phase."}],
    )


async def test_a_region_takes_part_once(client, regions, make_phase, apply, as_role):
    await make_phase()
    await make_phase("2019")
    first = (await apply("32.73")).json()
    again = await apply("32.73", "2019")
    assert again.status_code == 409
    assert again.json()["code"] == "already-participating"
    assert (
        again.json()["detail"]
        == "The region '32.73' already takes part in the programme (phase '2018', status 'applied')."
    )
    withdrawn = await client.post(
        f"/api/v1/participants/{first['id']}/withdraw",
        json={"reason": "Budget cut"},
        headers=as_role("region", "32.73"),
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert (await apply("32.73", "2019")).status_code == 201


async def test_a_region_applies_only_for_itself_and_sees_only_its_own(
    client, regions, make_phase, apply, as_role, contact
):
    await make_phase()
    other = await apply("32.04", headers=as_role("region", "32.73"))
    assert other.status_code == 403
    assert (await apply("32.73", headers=as_role("partner"))).status_code == 403
    bandung = (await apply("32.73", headers=as_role("region", "32.73"))).json()
    kab = (await apply("32.04")).json()
    mine = as_role("region", "32.73")
    assert (await client.get(f"/api/v1/participants/{kab['id']}", headers=mine)).status_code == 404
    assert (await client.get(f"/api/v1/participants/{kab['id']}/history", headers=mine)).status_code == 404
    withdraw = await client.post(f"/api/v1/participants/{kab['id']}/withdraw", json={"reason": "x"}, headers=mine)
    assert withdraw.status_code == 404
    listed = (await client.get("/api/v1/participants", headers=mine)).json()
    assert [p["id"] for p in listed["items"]] == [bandung["id"]]
    everyone = (await client.get("/api/v1/participants", headers=as_role("partner"))).json()
    assert [p["id"] for p in everyone["items"]] == [bandung["id"], kab["id"]]
    patch = await client.patch(
        f"/api/v1/participants/{kab['id']}",
        json={"contacts": [contact]},
        headers={**as_role("partner"), "if-match": "*"},
    )
    assert patch.status_code == 403


async def test_list_filters_and_pages(client, regions, make_phase, apply, as_role):
    await make_phase()
    ids = {}
    for code in ("32.73", "32.04", "35.78", "51.71", "94.71"):
        ids[code] = (await apply(code)).json()["id"]
    await client.post(
        f"/api/v1/participants/{ids['35.78']}/withdraw", json={"reason": "x"}, headers=as_role("operator")
    )
    partner = as_role("partner")

    async def codes(**params):
        page = (await client.get("/api/v1/participants", params=params, headers=partner)).json()
        return [p["region_code"] for p in page["items"]]

    assert await codes(province_code="32") == ["32.73", "32.04"]
    assert await codes(status="withdrawn") == ["35.78"]
    assert await codes(region_code="51.71", phase_code="2018") == ["51.71"]
    assert await codes(phase_code="2019") == []
    seen, cursor = [], None
    while True:
        page = (
            await client.get(
                "/api/v1/participants", params={"limit": 2, **({"cursor": cursor} if cursor else {})}, headers=partner
            )
        ).json()
        seen += [p["region_code"] for p in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert seen == ["32.73", "32.04", "35.78", "51.71", "94.71"]
    bad = await client.get("/api/v1/participants", params={"status": "dreaming"}, headers=partner)
    assert bad.status_code == 422


async def test_patch_changes_contacts_with_if_match(client, regions, make_phase, apply, as_role, contact):
    await make_phase()
    created = (await apply("32.73")).json()
    url = f"/api/v1/participants/{created['id']}"
    mine = as_role("region", "32.73")
    read = await client.get(url, headers=mine)
    etag = read.headers["etag"]
    new = [{**contact, "name": "Siti Aminah", "phone": "081298765432"}]
    assert (await client.patch(url, json={"contacts": new}, headers=mine)).status_code == 428
    stale = await client.patch(url, json={"contacts": new}, headers={**mine, "if-match": '"stale"'})
    assert stale.status_code == 412
    only_contacts = await client.patch(
        url, json={"contacts": new, "status": "selected"}, headers={**mine, "if-match": etag}
    )
    assert only_contacts.status_code == 422
    assert only_contacts.json()["errors"] == [
        {"field": "status", "code": "extra_forbidden", "message": "Unknown field."}
    ]
    ok = await client.patch(url, json={"contacts": new}, headers={**mine, "if-match": etag})
    assert ok.status_code == 200, ok.text
    assert ok.json()["contacts"] == [{**contact, "name": "Siti Aminah", "phone": "+6281298765432"}]
    assert ok.json()["status"] == "applied"
    assert ok.headers["etag"] != etag
    again = await client.patch(url, json={"contacts": new}, headers={**mine, "if-match": etag})
    assert again.status_code == 412


async def test_idempotency_key_replays_and_refuses_another_body(client, session, regions, make_phase, as_role, contact):
    await make_phase()
    headers = {**as_role("operator"), "idempotency-key": "apply-bandung"}
    body = {"region_code": "32.73", "phase_code": "2018", "contacts": [contact]}
    first = await client.post("/api/v1/participants", json=body, headers=headers)
    replay = await client.post("/api/v1/participants", json=body, headers=headers)
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    other = await client.post("/api/v1/participants", json={**body, "region_code": "32.04"}, headers=headers)
    assert other.status_code == 422
    assert await count(session, Participant) == 1
