"""Races on committed data: each request has its own connection, as in production."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from participants.main import create_app
from smartcity_kit.db import make_sessionmaker


@pytest.fixture
async def live(settings, engine, as_role, contact) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app that really commits; every table it touches is emptied afterwards."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://participants") as c:
        yield c
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "TRUNCATE participants.mou_signatures, participants.mou_signings, participants.status_changes,"
                " participants.participants, participants.phases, participants.regions, participants.events,"
                " participants.idempotency_keys CASCADE"
            )
        )


async def setup_phase(live, as_role, contact, cohort_csv_text: str, codes: list[str], quota: int) -> list[str]:
    operator = as_role("operator")
    csv_headers = {**operator, "content-type": "text/csv"}
    assert (await live.post("/api/v1/regions/import", content=cohort_csv_text, headers=csv_headers)).status_code == 200
    phase = {
        "code": "race",
        "name": "Race",
        "year": 2018,
        "quota": quota,
        "registration_opens_on": "2000-01-01",
        "registration_closes_on": "2100-01-01",
    }
    assert (await live.post("/api/v1/phases", json=phase, headers=operator)).status_code == 201
    ids = []
    for i, code in enumerate(codes):
        body = {"region_code": code, "phase_code": "race", "contacts": [contact]}
        participant = (await live.post("/api/v1/participants", json=body, headers=operator)).json()
        score = {"sustainable_city_index": 60 + i if participant["kind"] == "kota" else None}
        for name in ("fiscal_capacity", "green_city_index", "government_performance_index"):
            score[name] = 60 + i
        for name in ("infrastructure", "superstructure", "leadership_vision"):
            score[name] = 60 + i
        url = f"/api/v1/participants/{participant['id']}/assessment"
        assert (await live.put(url, json=score, headers=operator)).status_code == 200
        ids.append(participant["id"])
    return ids


async def statuses(live, as_role) -> dict[str, int]:
    counts = (await live.get("/api/v1/phases/race", headers=as_role("partner"))).json()["counts"]
    return {k: v for k, v in counts.items() if v}


async def test_two_selections_at_once_never_exceed_the_quota(live, as_role, contact, cohort_data):
    await setup_phase(live, as_role, contact, *cohort_data(12), quota=5)
    operator = as_role("operator")
    first, second = await asyncio.gather(
        *(live.post("/api/v1/phases/race/selection", json={"dry_run": False}, headers=operator) for _ in range(2))
    )
    assert (first.status_code, second.status_code) == (200, 200)
    assert sorted([first.json()["selected"], second.json()["selected"]]) == [0, 5]
    assert await statuses(live, as_role) == {"selected": 5, "waitlisted": 7}


async def test_a_withdrawal_racing_a_selection_never_over_selects(live, as_role, contact, cohort_data):
    ids = await setup_phase(live, as_role, contact, *cohort_data(8), quota=3)
    operator = as_role("operator")
    await live.post("/api/v1/phases/race/selection", json={"dry_run": False}, headers=operator)
    # ids[7] holds a place; it withdraws while a second selection runs
    withdrawal, selection = await asyncio.gather(
        live.post(f"/api/v1/participants/{ids[7]}/withdraw", json={"reason": "x"}, headers=operator),
        live.post("/api/v1/phases/race/selection", json={"dry_run": False}, headers=operator),
    )
    assert (withdrawal.status_code, selection.status_code) == (200, 200)
    assert await statuses(live, as_role) == {"selected": 3, "waitlisted": 4, "withdrawn": 1}


async def test_two_applications_of_one_region_at_once_leave_one(live, as_role, contact, cohort_data):
    csv_text, codes = cohort_data(1)
    await setup_phase(live, as_role, contact, csv_text, [], quota=1)
    body = {"region_code": codes[0], "phase_code": "race", "contacts": [contact]}
    responses = await asyncio.gather(
        *(live.post("/api/v1/participants", json=body, headers=as_role("operator")) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert await statuses(live, as_role) == {"applied": 1}
