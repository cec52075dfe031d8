"""The status flow: the table is the contract's, and the API refuses (409) every move it does not allow."""

from __future__ import annotations

from participants.applications.flow import STATUSES, TRANSITIONS


def test_the_transition_table_is_the_contracts_flow():
    assert set(TRANSITIONS) == set(STATUSES)
    edges = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert edges == {
        ("applied", "assessed"),
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
    rejected = await client.post(f"/api/v1/participants/{kota['id']}/reject", json={"reason": "x"}, headers=operator)
    assert rejected.status_code == 409
    assert rejected.json()["current_status"] == "applied"
    assert rejected.json()["detail"] == "The participant is 'applied'; it cannot become 'rejected'."
    await client.post(f"/api/v1/participants/{kota['id']}/withdraw", json={"reason": "x"}, headers=operator)
    again = await client.post(f"/api/v1/participants/{kota['id']}/withdraw", json={"reason": "x"}, headers=operator)
    assert again.status_code == 409
    assert again.json()["current_status"] == "withdrawn"
    missing_reason = await client.post(f"/api/v1/participants/{kota['id']}/withdraw", json={}, headers=operator)
    assert missing_reason.status_code == 422
    history = (await client.get(f"/api/v1/participants/{kota['id']}/history", headers=operator)).json()
    assert [(h["to"], h["reason"]) for h in history["items"]] == [("applied", None), ("withdrawn", "x")]
