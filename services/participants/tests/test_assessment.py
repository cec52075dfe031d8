"""Assessment: the seven scores, the weighted readiness score, kota and kabupaten, bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from participants.applications.models import Participant, StatusChange
from participants.assessment.scoring import readiness_score
from participants.settings import Settings


def test_the_formula_is_a_weighted_mean_that_leaves_out_what_does_not_apply(settings):
    weights = settings.readiness_weights()
    kota = {
        "fiscal_capacity": 80,
        "green_city_index": 60,
        "government_performance_index": 90,
        "sustainable_city_index": 50,
        "infrastructure": 70,
        "superstructure": 40,
        "leadership_vision": 100,
    }
    # (15*80 + 15*60 + 15*90 + 15*50 + 15*70 + 10*40 + 15*100) / 100
    assert str(readiness_score(kota, weights)) == "71.50"
    kabupaten = {**kota, "sustainable_city_index": None}
    # (15*80 + 15*60 + 15*90 + 15*70 + 10*40 + 15*100) / 85 = 75.294...
    assert str(readiness_score(kabupaten, weights)) == "75.29"
    # a kabupaten with every score at 100 reaches 100: the missing index does not count against it
    assert str(readiness_score(dict.fromkeys(kabupaten, 100) | {"sustainable_city_index": None}, weights)) == "100.00"
    custom = Settings(database_url="postgresql://x/y", weight_superstructure=0, weight_leadership_vision=85)
    # (15*80 + 15*60 + 15*90 + 15*50 + 15*70 + 0*40 + 85*100) / 160 = 85.9375
    assert str(readiness_score(kota, custom.readiness_weights())) == "85.94"


async def test_assessing_sets_the_score_and_the_status(client, as_role, regions, make_phase, apply, assess):
    await make_phase()
    kota = (await apply("32.73")).json()
    response = await assess(kota, 70, leadership_vision=100)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["readiness_score"]) == ("assessed", 74.5)
    assert body["assessment"]["leadership_vision"] == 100
    kab = (await apply("32.04")).json()
    assert (await assess(kab, 60)).json()["readiness_score"] == 60.0
    history = (await client.get(f"/api/v1/participants/{kab['id']}/history", headers=as_role("partner"))).json()
    assert [(h["from"], h["to"]) for h in history["items"]] == [(None, "applied"), ("applied", "assessed")]


async def test_rescoring_needs_if_match_and_changes_no_status(client, as_role, regions, make_phase, apply, assess):
    await make_phase()
    kota = (await apply("32.73")).json()
    first = await assess(kota, 70)
    url = f"/api/v1/participants/{kota['id']}/assessment"
    body = {**first.json()["assessment"], "fiscal_capacity": 100}
    assert (await client.put(url, json=body, headers=as_role("operator"))).status_code == 428
    stale = await client.put(url, json=body, headers={**as_role("operator"), "if-match": '"old"'})
    assert stale.status_code == 412
    ok = await client.put(url, json=body, headers={**as_role("operator"), "if-match": first.headers["etag"]})
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["readiness_score"]) == ("assessed", 74.5)
    history = (await client.get(f"/api/v1/participants/{kota['id']}/history", headers=as_role("partner"))).json()
    assert len(history["items"]) == 2


@pytest.mark.parametrize(
    ("region", "change", "field", "code"),
    [
        ("32.04", {"sustainable_city_index": 50}, "sustainable_city_index", "score-not-applicable"),
        ("32.73", {"sustainable_city_index": None}, "sustainable_city_index", "scores-missing"),
        ("32.73", {"fiscal_capacity": 101}, "fiscal_capacity", "validation-failed"),
        ("32.73", {"infrastructure": -1}, "infrastructure", "validation-failed"),
        ("32.73", {"leadership_vision": 55.5}, "leadership_vision", "validation-failed"),
        ("32.73", {"charisma": 90}, "charisma", "validation-failed"),
    ],
)
async def test_bad_scores_are_refused_and_change_nothing(
    session, regions, make_phase, apply, assess, region, change, field, code
):
    await make_phase()
    participant = (await apply(region)).json()
    response = await assess(participant, 70, **change)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert response.json()["code"] == code
    row = (
        await session.execute(sa.select(Participant.status, Participant.readiness_score, Participant.assessment))
    ).one()
    assert tuple(row) == ("applied", None, None)
    assert (await session.execute(sa.select(sa.func.count()).select_from(StatusChange))).scalar() == 1


async def test_a_rejected_or_withdrawn_participant_is_not_assessed(client, as_role, regions, make_phase, apply, assess):
    await make_phase()
    kota = (await apply("32.73")).json()
    await assess(kota)
    await client.post(
        f"/api/v1/participants/{kota['id']}/reject", json={"reason": "Incomplete"}, headers=as_role("operator")
    )
    response = await assess(kota)
    assert response.status_code == 409
    assert response.json()["current_status"] == "rejected"
    assert response.json()["code"] == "status-transition-not-allowed"
    assert "'rejected'" in response.json()["detail"]
    for role in ("region", "partner", "mentor"):
        forbidden = await client.put(
            f"/api/v1/participants/{kota['id']}/assessment", json={}, headers=as_role(role, "32.73")
        )
        assert forbidden.status_code == 403, role
