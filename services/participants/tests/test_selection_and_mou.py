"""The 2018 cohort played through: 60 apply, 50 selected by score, 10 waitlisted, the waitlist moves up, 50 MoUs."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import sqlalchemy as sa
from participants.applications.models import Participant, StatusChange
from participants.database import events
from participants.mou.models import MouSignature, MouSigning


async def counts(client, as_role, code="2018") -> dict[str, int]:
    body = (await client.get(f"/api/v1/phases/{code}", headers=as_role("partner"))).json()
    return {k: v for k, v in body["counts"].items() if v}


async def rows(session, table) -> int:
    return (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar()


async def test_the_answer_says_the_places_before_and_left_after_the_run(
    client, as_role, regions, make_phase, apply, assess
):
    await make_phase("2018", quota=50)
    operator, select = as_role("operator"), "/api/v1/phases/2018/selection"
    first = (await apply("32.73")).json()
    await assess(first)
    preview = (await client.post(select, json={"dry_run": True}, headers=operator)).json()
    assert (preview["places_before"], preview["places_left"], preview["selected"]) == (50, 49, 1)
    run = (await client.post(select, json={"dry_run": False}, headers=operator)).json()
    assert (run["places_before"], run["places_left"], run["selected"], run["waitlisted"]) == (50, 49, 1, 0)
    assert "quota_left" not in run
    second = (await apply("32.04")).json()
    await assess(second)
    run = (await client.post(select, json={"dry_run": False}, headers=operator)).json()
    assert (run["places_before"], run["places_left"], run["selected"]) == (49, 48, 1)


async def test_the_schema_describes_the_places(client):
    schema = (await client.get("/openapi.json")).json()["components"]["schemas"]["SelectionOut"]
    assert "quota_left" not in schema["properties"]
    for field in ("places_before", "places_left"):
        assert field in schema["required"]
        assert schema["properties"][field]["type"] == "integer"
        assert schema["properties"][field]["description"].startswith("Places ")


async def test_the_2018_cohort(client, session, as_role, cohort, make_phase, apply, assess):
    codes = await cohort(60)
    await make_phase("2018", quota=50)
    operator = as_role("operator")
    people = []
    for i, code in enumerate(codes):
        participant = (await apply(code)).json()
        assert (await assess(participant, 30 + i)).status_code == 200
        people.append(participant)
    ids = [p["id"] for p in people]
    select = "/api/v1/phases/2018/selection"

    preview = await client.post(select, json={"dry_run": True}, headers=operator)
    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert (body["quota"], body["places_before"], body["places_left"], body["selected"], body["waitlisted"]) == (
        50,
        50,
        0,
        50,
        10,
    )
    assert [e["participant_id"] for e in body["ranking"]] == ids[::-1]
    assert body["ranking"][0] == {
        "rank": 1,
        "participant_id": ids[59],
        "region_code": codes[59],
        "region_name": people[59]["region_name"],
        "readiness_score": 89.0,
        "applied_at": people[59]["applied_at"],
        "outcome": "selected",
        "changed": True,
    }
    assert [e["outcome"] for e in body["ranking"]] == ["selected"] * 50 + ["waitlisted"] * 10
    assert await counts(client, as_role) == {"assessed": 60}

    run = (await client.post(select, json={"dry_run": False}, headers=operator)).json()
    assert (run["selected"], run["waitlisted"], run["dry_run"]) == (50, 10, False)
    assert await counts(client, as_role) == {"selected": 50, "waitlisted": 10}
    again = (await client.post(select, json={"dry_run": False}, headers=operator)).json()
    assert (again["places_before"], again["places_left"], again["selected"], again["waitlisted"]) == (0, 0, 0, 0)
    assert [(e["outcome"], e["changed"]) for e in again["ranking"]] == [("selected", False)] * 50 + [
        ("waitlisted", False)
    ] * 10

    # the best selected region withdraws before its MoU: the best waitlisted one (score 39) moves up
    withdrawn = await client.post(
        f"/api/v1/participants/{ids[59]}/withdraw", json={"reason": "Regent resigned"}, headers=operator
    )
    assert withdrawn.json()["status"] == "withdrawn"
    assert await counts(client, as_role) == {"selected": 50, "waitlisted": 9, "withdrawn": 1}
    promoted = (await client.get(f"/api/v1/participants/{ids[9]}/history", headers=operator)).json()["items"]
    assert [(h["from"], h["to"]) for h in promoted] == [
        (None, "applied"),
        ("applied", "assessed"),
        ("assessed", "waitlisted"),
        ("waitlisted", "selected"),
    ]
    assert promoted[-1]["reason"] == f"Promoted from the waitlist: the place of {codes[59]} was freed (withdrawn)."
    event = (
        await session.execute(
            sa.select(events.c.data).where(events.c.subject == f"participants/{ids[9]}").order_by(events.c.id.desc())
        )
    ).scalar()
    assert (event["from"], event["to"], event["promoted_in_place_of"]) == ("waitlisted", "selected", ids[59])

    # MoU: every bad batch is refused whole, naming the offenders, and nothing is written
    selected = [ids[i] for i in range(9, 59)]
    sign = "/api/v1/phases/2018/mou-signings"

    def batch(participant_ids, **over):
        return {
            "signed_on": "2018-05-08",
            "venue": "Jakarta",
            "signatures": [
                {"participant_id": pid, "signatory_name": f"Kepala {n}", "signatory_title": "Wali Kota"}
                for n, pid in enumerate(participant_ids)
            ],
            **over,
        }

    not_selected = await client.post(sign, json=batch([*selected[:10], ids[8], ids[59]]), headers=operator)
    assert not_selected.status_code == 409
    assert not_selected.json()["code"] == "participants-not-selected"
    assert not_selected.json()["offenders"] == [
        {"participant_id": ids[8], "region_code": codes[8], "status": "waitlisted"},
        {"participant_id": ids[59], "region_code": codes[59], "status": "withdrawn"},
    ]
    stranger = str(uuid.uuid4())
    unknown = await client.post(sign, json=batch([selected[0], stranger]), headers=operator)
    assert unknown.status_code == 422
    assert unknown.json()["code"] == "not-participants-of-phase"
    assert unknown.json()["errors"] == [
        {"field": "signatures[1].participant_id", "code": "not_of_phase", "message": "No participant of phase 2018."}
    ]
    twice = await client.post(sign, json=batch([selected[0], selected[1], selected[0]]), headers=operator)
    assert twice.status_code == 422
    assert twice.json()["errors"][0]["field"] == "signatures"
    tomorrow = str(date.today() + timedelta(days=2))
    future = await client.post(sign, json=batch(selected, signed_on=tomorrow), headers=operator)
    assert (future.status_code, future.json()["errors"][0]["field"]) == (422, "signed_on")
    assert future.json()["code"] == "signing-date-in-future"
    assert (await client.post(sign, json=batch([]), headers=operator)).status_code == 422
    assert (await client.post(sign, json=batch(selected), headers=as_role("region", codes[10]))).status_code == 403
    assert await rows(session, MouSigning) == 0 and await rows(session, MouSignature) == 0
    assert await counts(client, as_role) == {"selected": 50, "waitlisted": 9, "withdrawn": 1}

    signed = await client.post(sign, json=batch(selected), headers=operator)
    assert signed.status_code == 201, signed.text
    assert [s["participant_id"] for s in signed.json()["signatures"]] == selected
    assert {s["status"] for s in signed.json()["signatures"]} == {"mou_signed"}
    assert await counts(client, as_role) == {"mou_signed": 50, "waitlisted": 9, "withdrawn": 1}
    mou_events = await session.execute(
        sa.select(sa.func.count()).where(events.c.data["to"].astext == "mou_signed").select_from(events)
    )
    assert mou_events.scalar() == 50
    assert (await client.post(sign, json=batch(selected[:1]), headers=operator)).json()["offenders"][0][
        "status"
    ] == "mou_signed"

    # after its MoU a withdrawal frees no place: the waitlist stays
    await client.post(f"/api/v1/participants/{selected[0]}/withdraw", json={"reason": "x"}, headers=operator)
    assert await counts(client, as_role) == {"mou_signed": 49, "waitlisted": 9, "withdrawn": 2}


async def test_ties_go_to_the_earlier_application_then_the_region_code(
    client, session, as_role, cohort, make_phase, apply, assess
):
    codes = await cohort(4)
    await make_phase("2018", quota=2)
    people = [(await apply(code)).json() for code in codes]
    for p in people:
        await assess(p, 75)
    # the last two applied at the very same instant: the region code decides between them
    same = (await session.execute(sa.select(Participant.applied_at).where(Participant.id == people[2]["id"]))).scalar()
    await session.execute(sa.update(Participant).where(Participant.id == people[3]["id"]).values(applied_at=same))
    await session.flush()
    body = (
        await client.post("/api/v1/phases/2018/selection", json={"dry_run": True}, headers=as_role("operator"))
    ).json()
    expected = [people[0], people[1], *sorted(people[2:], key=lambda p: p["region_code"])]
    assert [e["participant_id"] for e in body["ranking"]] == [p["id"] for p in expected]
    assert [e["outcome"] for e in body["ranking"]] == ["selected", "selected", "waitlisted", "waitlisted"]


async def test_selection_needs_something_assessed(client, session, as_role, regions, make_phase, apply):
    await make_phase()
    await apply("32.73")
    response = await client.post("/api/v1/phases/2018/selection", json={"dry_run": False}, headers=as_role("operator"))
    assert response.status_code == 409
    assert response.json()["detail"] == "Phase '2018' has no assessed participant to select from."
    assert response.json()["code"] == "nothing-to-select"
    missing = await client.post("/api/v1/phases/1999/selection", json={"dry_run": True}, headers=as_role("operator"))
    assert missing.status_code == 404
    bad = await client.post("/api/v1/phases/2018/selection", json={"dry_run": "maybe"}, headers=as_role("operator"))
    assert bad.status_code == 422
    assert await rows(session, StatusChange) == 1


async def test_rejecting_a_selected_region_promotes_the_waitlist(client, as_role, cohort, make_phase, apply, assess):
    codes = await cohort(3)
    await make_phase("2018", quota=1)
    people = [(await apply(code)).json() for code in codes]
    for i, p in enumerate(people):
        await assess(p, 50 + i)
    await client.post("/api/v1/phases/2018/selection", json={"dry_run": False}, headers=as_role("operator"))
    rejected = await client.post(
        f"/api/v1/participants/{people[2]['id']}/reject", json={"reason": "Ineligible"}, headers=as_role("operator")
    )
    assert rejected.json()["status"] == "rejected"
    statuses = [
        (await client.get(f"/api/v1/participants/{p['id']}", headers=as_role("partner"))).json()["status"]
        for p in people
    ]
    assert statuses == ["waitlisted", "selected", "rejected"]
