"""The status flow: the table is the contract's, and the API refuses (409) every move it does not allow."""

from __future__ import annotations

import sqlalchemy as sa
from participants.applications.flow import TRANSITIONS
from participants.database import events
from smartcity_vocabulary import ParticipantStatus


def test_the_transition_table_is_the_contracts_flow():
    assert set(TRANSITIONS) == set(ParticipantStatus)
    edges = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert edges == {
        ("applied", "assessed"),
        ("applied", "rejected"),
        ("assessed", "selected"),
        ("assessed", "waitlisted"),
        ("assessed", "rejected"),
        ("waitlisted", "selected"),
        ("selected", "mou_signed"),
        ("selected", "rejected"),
        ("mou_signed", "mentoring"),
        ("mentoring", "completed"),
        *((s, "withdrawn") for s in ("applied", "assessed", "selected", "waitlisted", "mou_signed", "mentoring")),
    }


async def test_disallowed_moves_are_409_naming_the_current_status(client, as_role, regions, make_phase, apply, assess):
    await make_phase()
    operator = as_role("operator")
    kota = (await apply("32.73")).json()
    await client.post(f"/api/v1/participants/{kota['id']}/withdraw", json={"reason": "x"}, headers=operator)
    again = await client.post(f"/api/v1/participants/{kota['id']}/withdraw", json={"reason": "x"}, headers=operator)
    assert again.status_code == 409
    assert again.json()["current_status"] == "withdrawn"
    missing_reason = await client.post(f"/api/v1/participants/{kota['id']}/withdraw", json={}, headers=operator)
    assert missing_reason.status_code == 422
    history = (await client.get(f"/api/v1/participants/{kota['id']}/history", headers=operator)).json()
    assert [(h["to"], h["reason"]) for h in history["items"]] == [("applied", None), ("withdrawn", "x")]


async def test_an_application_is_rejected_before_assessment_with_its_reason(
    client, as_role, regions, make_phase, apply, session
):
    await make_phase()
    operator = as_role("operator")
    kota = (await apply("32.73")).json()
    path = f"/api/v1/participants/{kota['id']}"
    assert (await client.post(f"{path}/reject", json={}, headers=operator)).status_code == 422
    reason = "Incomplete file: no readiness self-assessment"
    for role in ("region", "mentor", "partner"):
        refused = await client.post(f"{path}/reject", json={"reason": reason}, headers=as_role(role, "32.73"))
        assert refused.status_code == 403, role
    rejected = await client.post(f"{path}/reject", json={"reason": reason}, headers=operator)
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["status"] == "rejected"
    history = (await client.get(f"{path}/history", headers=operator)).json()["items"]
    assert [(h["from"], h["to"], h["actor"], h["reason"]) for h in history] == [
        (None, "applied", "operator:operator@test", None),
        ("applied", "rejected", "operator:operator@test", reason),
    ]
    data = (
        (
            await session.execute(
                sa.select(events.c.data).where(events.c.type == "participant.status_changed").order_by(events.c.id)
            )
        )
        .scalars()
        .all()
    )
    assert [(d["from"], d["to"], d["reason"]) for d in data] == [
        (None, "applied", None),
        ("applied", "rejected", reason),
    ]
    again = await client.post(f"{path}/reject", json={"reason": reason}, headers=operator)
    assert again.status_code == 409
    assert again.json()["current_status"] == "rejected"
    # a rejected application frees the region to apply again
    assert (await apply("32.73")).status_code == 201
