"""Phases: creation, its bad inputs (nothing kept), reads, counts per status, roles."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from participants.phases.models import Phase

BODY = {
    "code": "2019",
    "name": "Tahap III",
    "year": 2019,
    "quota": 25,
    "registration_opens_on": "2019-01-01",
    "registration_closes_on": "2019-03-31",
}
ALL_ZERO = {
    s: 0
    for s in (
        "applied", "assessed", "selected", "waitlisted", "rejected", "mou_signed", "mentoring", "completed", "withdrawn"
    )
}  # fmt: skip


async def test_create_read_and_list(client, as_role):
    created = await client.post("/api/v1/phases", json=BODY, headers=as_role("operator"))
    assert created.status_code == 201, created.text
    body = created.json()
    assert {k: body[k] for k in BODY} == BODY
    assert body["counts"] == ALL_ZERO
    one = await client.get("/api/v1/phases/2019", headers=as_role("region", "32.73"))
    assert one.status_code == 200
    assert one.headers["etag"].startswith('"')
    assert one.json()["counts"] == ALL_ZERO
    await client.post("/api/v1/phases", json={**BODY, "code": "2017", "year": 2017}, headers=as_role("operator"))
    listed = await client.get("/api/v1/phases", headers=as_role("partner"))
    assert [p["code"] for p in listed.json()["items"]] == ["2017", "2019"]
    assert "counts" not in listed.json()["items"][0]


async def test_a_second_phase_with_the_same_code_is_409(client, as_role):
    assert (await client.post("/api/v1/phases", json=BODY, headers=as_role("operator"))).status_code == 201
    again = await client.post("/api/v1/phases", json={**BODY, "name": "Other"}, headers=as_role("operator"))
    assert again.status_code == 409
    assert again.json()["code"] == "phase-code-taken"
    assert again.json()["detail"] == "A phase with the code '2019' already exists."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quota": 0}, "quota"),
        ({"quota": -5}, "quota"),
        ({"registration_closes_on": "2018-12-31"}, ""),
        ({"code": "two words"}, "code"),
        ({"year": "soon"}, "year"),
        ({"registration_opens_on": "2019-02-30"}, "registration_opens_on"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_bad_phases_are_refused_and_nothing_is_kept(client, session, change, field, as_role):
    response = await client.post("/api/v1/phases", json={**BODY, **change}, headers=as_role("operator"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field or "body"]
    assert (await session.execute(sa.select(sa.func.count()).select_from(Phase))).scalar() == 0


async def test_only_operators_create_phases(client, as_role):
    for role in ("region", "partner", "mentor"):
        response = await client.post("/api/v1/phases", json=BODY, headers=as_role(role, "32.73"))
        assert response.status_code == 403, role
    assert (await client.get("/api/v1/phases/none", headers=as_role("partner"))).status_code == 404


async def test_dates_are_yyyy_mm_dd_never_seconds_since_1970(client, as_role, session):
    """Found by fuzzing: pydantic alone reads `0` or `"1546300800"` as a date; the contract says YYYY-MM-DD."""
    body = {**BODY, "registration_opens_on": 1546300800, "registration_closes_on": "2019-03-31T00:00:00Z"}
    response = await client.post("/api/v1/phases", json=body, headers=as_role("operator"))
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["registration_closes_on", "registration_opens_on"]
    assert (await session.execute(sa.select(sa.func.count()).select_from(Phase))).scalar_one() == 0
