"""The participants service's events: each payload exactly, and the catalogue its OpenAPI document publishes."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from participants.database import events
from participants.events import CATALOGUE

ASSESSOR = {"kind": "assessor", "organization": None, "year": None, "published_at": None}


async def recorded(session, type_: str) -> list[tuple[str, dict]]:
    rows = await session.execute(
        sa.select(events.c.subject, events.c.data).where(events.c.type == type_).order_by(events.c.id)
    )
    return [(r.subject, r.data) for r in rows]


async def test_a_phase_is_an_event(client, session, make_phase):
    phase = await make_phase("2027", quota=40, name="Tahap 2027")
    assert await recorded(session, "phase.created") == [
        (
            "phases/2027",
            {
                "phase_code": "2027",
                "name": "Tahap 2027",
                "year": 2018,
                "quota": 40,
                "registration_opens_on": phase["registration_opens_on"],
                "registration_closes_on": phase["registration_closes_on"],
            },
        )
    ]


async def test_an_assessment_is_an_event_with_scores_and_sources(
    client, session, regions, make_phase, apply, assess, as_role
):
    await make_phase()
    kota = (await apply("32.73")).json()
    first = await assess(kota, 70, leadership_vision=100)
    assert first.status_code == 200, first.text
    url = f"/api/v1/participants/{kota['id']}/assessment"
    body = {**first.json()["assessment"], "fiscal_capacity": 100}
    again = await client.put(url, json=body, headers={**as_role("operator"), "if-match": first.headers["etag"]})
    assert again.status_code == 200, again.text
    scores = {
        "fiscal_capacity": 70,
        "green_city_index": 70,
        "government_performance_index": 70,
        "sustainable_city_index": 70,
        "infrastructure": 70,
        "superstructure": 70,
        "leadership_vision": 100,
    }
    common = {
        "participant_id": kota["id"],
        "region_code": "32.73",
        "phase_code": "2018",
        "sources": {
            "fiscal_capacity": ASSESSOR,
            "green_city_index": ASSESSOR,
            "government_performance_index": ASSESSOR,
            "sustainable_city_index": ASSESSOR,
        },
        "actor": "operator:operator@test",
    }
    subject = f"participants/{kota['id']}"
    assert await recorded(session, "participant.assessed") == [
        (subject, {**common, "scores": scores, "readiness_score": 74.5, "rescored": False}),
        (
            subject,
            {**common, "scores": {**scores, "fiscal_capacity": 100}, "readiness_score": 79.0, "rescored": True},
        ),
    ]
    # the status changed once: the re-scoring is no transition
    assert [d["to"] for _, d in await recorded(session, "participant.status_changed")] == ["applied", "assessed"]


async def test_a_signing_day_is_one_event_naming_every_signatory(
    client, session, regions, make_phase, apply, assess, as_role
):
    await make_phase(quota=2)
    kota, kab = (await apply("32.73")).json(), (await apply("32.04")).json()
    for participant in (kota, kab):
        assert (await assess(participant, 80)).status_code == 200
    operator = as_role("operator")
    selected = await client.post("/api/v1/phases/2018/selection", json={}, headers=operator)
    assert selected.status_code == 200, selected.text
    signed_on = str(date.today() - timedelta(days=1))
    signatures = [
        {"participant_id": kota["id"], "signatory_name": "Muhammad Farhan", "signatory_title": "Wali Kota Bandung"},
        {"participant_id": kab["id"], "signatory_name": "Dadang Supriatna", "signatory_title": "Bupati Bandung"},
    ]
    response = await client.post(
        "/api/v1/phases/2018/mou-signings",
        json={"signed_on": signed_on, "venue": "Gedung Sate", "signatures": signatures},
        headers=operator,
    )
    assert response.status_code == 201, response.text
    signing = response.json()
    assert await recorded(session, "mou.signed") == [
        (
            f"mou-signings/{signing['id']}",
            {
                "signing_id": signing["id"],
                "phase_code": "2018",
                "signed_on": signed_on,
                "venue": "Gedung Sate",
                "participants": [
                    {**signatures[0], "region_code": "32.73", "region_name": "Kota Bandung", "document_id": None},
                    {**signatures[1], "region_code": "32.04", "region_name": "Kabupaten Bandung", "document_id": None},
                ],
                "actor": "operator:operator@test",
            },
        )
    ]


async def test_the_openapi_document_publishes_the_catalogue(client):
    document = (await client.get("/openapi.json")).json()
    assert sorted(document["webhooks"]) == [
        "mou.signed",
        "participant.applied",
        "participant.assessed",
        "participant.status_changed",
        "phase.created",
        "region.statistics_updated",
    ]
    hook = document["webhooks"]["participant.assessed"]["post"]
    content = hook["requestBody"]["content"]["application/json"]
    assert content["schema"]["properties"]["data"] == {"$ref": "#/components/schemas/event.ParticipantAssessed"}
    assert content["example"]["data"] == CATALOGUE.types["participant.assessed"].example
    schema = document["components"]["schemas"]["event.ParticipantAssessed"]
    assert (schema["additionalProperties"], sorted(schema["required"])) == (
        False,
        ["actor", "participant_id", "phase_code", "readiness_score", "region_code", "rescored", "scores", "sources"],
    )
    assert schema["properties"]["sources"]["additionalProperties"] == {"$ref": "#/components/schemas/event.ScoreSource"}
