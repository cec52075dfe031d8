"""Verification (a mentor of the region's track or an operator) and the results of accepted reports."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from monitoring.portfolio.consumer import apply_mentoring_event
from monitoring.results.achievement import achievement, mean
from smartcity_kit.outbox import Event

from .test_reports import PERIOD, REPORT, figures

RESULTS = f"/api/v1/monitoring/periods/{PERIOD}/results"


@pytest.mark.parametrize(
    ("value", "baseline", "target", "expected"),
    [
        (30, 20, 40, 0.5),  # halfway up
        (7, 10, 5, 0.6),  # a decrease: 3 of the 5 days gained
        (50, 20, 40, 1.0),  # beyond the target: clipped
        (10, 20, 40, 0.0),  # worse than the baseline: clipped
        (12, 10, 5, 0.0),  # a decrease gone the wrong way
        (30, 20, None, None),  # no target that year
    ],
)
def test_achievement_is_the_share_of_the_way_from_baseline_to_target(value, baseline, target, expected):
    assert achievement(value, baseline, target) == expected


def test_a_mean_leaves_out_what_is_missing():
    assert (mean([0.5, None, 0.6]), mean([None]), mean([])) == (0.55, None, None)


async def assign_mentor(session, track_id: str, region_code: str) -> str:
    """The mentor assignment as mentoring's feed announces it."""
    mentor_id = str(uuid.uuid4())
    data = {
        "track_id": track_id,
        "participant_id": str(uuid.uuid4()),
        "region_code": region_code,
        "phase_code": "2026",
        "mentor_id": mentor_id,
        "assigned_by": "operator:ops@test",
    }
    event = Event(id=1, type="track.mentor_assigned", occurred_at=datetime.now(UTC), subject="t", data=data)
    await apply_mentoring_event(session, event)
    await session.flush()
    return mentor_id


async def test_returned_corrected_and_accepted_with_its_history_and_results(client, as_role, ready, session, events_of):
    setup = await ready()
    region, operator = as_role("region", "32.73"), as_role("operator")
    mentor_id = await assign_mentor(session, setup["plan"]["track_id"], "32.73")
    mentor = as_role("mentor", subject=mentor_id)
    stranger = as_role("mentor", subject=str(uuid.uuid4()))
    review = f"{REPORT}/review"
    assert (await client.post(review, json={"decision": "accepted"}, headers=mentor)).status_code == 404  # no report
    submitted = await client.put(REPORT, json=figures(setup, online=25, submit=True), headers=region)
    assert submitted.status_code == 200
    assert (await client.post(review, json={"decision": "accepted"}, headers=stranger)).status_code == 404
    assert (await client.post(review, json={"decision": "accepted"}, headers=region)).status_code == 403
    no_reason = await client.post(review, json={"decision": "returned"}, headers=mentor)
    assert (no_reason.status_code, no_reason.json()["errors"]) == (
        422,
        [{"field": "comment", "code": "required", "message": "Required."}],
    )
    returned = await client.post(review, json={"decision": "returned", "comment": "Lampirkan bukti"}, headers=mentor)
    assert returned.status_code == 200, returned.text
    assert (returned.json()["status"], returned.json()["decision_comment"]) == ("returned", "Lampirkan bukti")
    assert (await client.get(RESULTS + "/32.73", headers=operator)).status_code == 404  # nothing accepted yet
    corrected = await client.put(
        REPORT, json=figures(setup, submit=True), headers={**region, "If-Match": returned.headers["etag"]}
    )
    assert (corrected.status_code, corrected.json()["status"]) == (200, "submitted")
    accepted = await client.post(review, json={"decision": "accepted", "comment": "Baik"}, headers=mentor)
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    decided_twice = await client.post(review, json={"decision": "returned", "comment": "x"}, headers=operator)
    assert (decided_twice.status_code, decided_twice.json()["code"]) == (409, "report-not-submitted")
    final = await client.post(f"{REPORT}/reopen", json={"reason": "x"}, headers=operator)
    assert (final.status_code, final.json()["code"]) == (409, "report-final")

    history = (await client.get(f"{REPORT}/history", headers=as_role("partner"))).json()["items"]
    assert [(h["from"], h["to"], h["actor"], h["reason"]) for h in history] == [
        ("draft", "submitted", "region:region@test", None),
        ("submitted", "returned", f"mentor:{mentor_id}", "Lampirkan bukti"),
        ("returned", "submitted", "region:region@test", None),
        ("submitted", "accepted", f"mentor:{mentor_id}", "Baik"),
    ]
    assert [(t, d["to"]) for t, d in await events_of("report.")] == [
        ("report.submitted", "submitted"),
        ("report.returned", "returned"),
        ("report.submitted", "submitted"),
        ("report.accepted", "accepted"),
    ]
    assert (await events_of("report.submitted"))[1][1]["resubmission"] is True

    result = await client.get(RESULTS + "/32.73", headers=as_role("partner"))
    assert result.status_code == 200, result.text
    body = result.json()
    # online services 30 from 20 towards 40: 0.5; permit days 7 from 10 towards 5: 0.6
    assert (body["achievement"], body["progress"], body["on_time"]) == (0.55, 25.0, True)
    assert body["dimensions"] == {"governance": 0.5, "living": 0.6}
    assert [(i["indicator_code"], i["target"], i["value"], i["achievement"]) for i in body["indicators"]] == [
        ("online_services_share", 40.0, 30.0, 0.5),
        ("business_permit_days", 5.0, 7.0, 0.6),
    ]
    assert [(i["status"], i["progress"]) for i in body["initiatives"]] == [("on_track", 40.0), ("delayed", 10.0)]
    assert (body["phase_codes"], body["province_code"]) == (["2026"], "32")

    # the targets change: the accepted result follows
    tracked = f"/api/v1/monitoring/tracked-indicators/{setup['online']}"
    etag = (await client.get(tracked, headers=region)).headers["etag"]
    changed = {"baseline": {"value": 20, "year": 2025}, "targets": [{"year": 2026, "value": 30}]}
    assert (
        await client.put(f"{tracked}/targets", json=changed, headers={**region, "If-Match": etag})
    ).status_code == 200
    assert (await client.get(RESULTS + "/32.73", headers=operator)).json()["achievement"] == 0.8
    # each computation is announced with its figures, for the reports service and partners
    assert [
        (d["period_code"], d["region_code"], d["achievement"], d["on_time"], d["dimensions"])
        for _, d in await events_of("result.")
    ] == [
        (PERIOD, "32.73", 0.55, True, {"governance": 0.5, "living": 0.6}),
        (PERIOD, "32.73", 0.8, True, {"governance": 1.0, "living": 0.6}),
    ]
    # the partner reads the accepted report now, and another region still nothing
    assert (await client.get(REPORT, headers=as_role("partner"))).status_code == 200
    assert (await client.get(RESULTS + "/32.73", headers=as_role("region", "32.04"))).status_code == 404


async def test_partners_read_accepted_reports_only(client, as_role, ready):
    setup = await ready()
    await client.put(REPORT, json=figures(setup, submit=True), headers=as_role("region", "32.73"))
    partner = as_role("partner")
    assert (await client.get(REPORT, headers=partner)).status_code == 404
    assert (await client.get(f"{REPORT}/history", headers=partner)).status_code == 404
    listed = await client.get(f"/api/v1/monitoring/periods/{PERIOD}/reports", headers=partner)
    assert listed.json() == {"items": [], "next_cursor": None}
    mine = await client.get(f"/api/v1/monitoring/periods/{PERIOD}/reports", headers=as_role("region", "32.73"))
    assert [r["status"] for r in mine.json()["items"]] == ["submitted"]


async def test_results_across_regions_sorted_filtered_and_paged(client, as_role, make_portfolio, attach, open_period):
    await open_period()
    operator = as_role("operator")
    regions = {"32.73": 30, "32.04": 40, "35.78": 25, "51.71": 20}  # online services share reported
    for code, value in regions.items():
        plan = await make_portfolio(code, phase_code="2026" if code != "51.71" else "2027")
        tracked = (await attach(plan["initiatives"][0]["id"], region_code=code)).json()
        body = {"values": [{"tracked_indicator_id": tracked["id"], "value": value}], "submit": True}
        path = f"/api/v1/monitoring/periods/{PERIOD}/reports/{code}"
        assert (await client.put(path, json=body, headers=as_role("region", code))).status_code == 200
        assert (await client.post(f"{path}/review", json={"decision": "accepted"}, headers=operator)).status_code == 200

    async def codes(**params) -> list[tuple[str, float]]:
        out, cursor = [], None
        while True:
            page = await client.get(
                RESULTS, params={**params, "limit": 3, **({"cursor": cursor} if cursor else {})}, headers=operator
            )
            assert page.status_code == 200, page.text
            out += [(r["region_code"], r["achievement"]) for r in page.json()["items"]]
            if not (cursor := page.json()["next_cursor"]):
                return out

    assert await codes() == [("32.04", 1.0), ("32.73", 0.5), ("35.78", 0.25), ("51.71", 0.0)]
    assert await codes(sort="achievement") == [("51.71", 0.0), ("35.78", 0.25), ("32.73", 0.5), ("32.04", 1.0)]
    assert await codes(sort="region_code") == sorted(await codes())
    assert await codes(province_code="32") == [("32.04", 1.0), ("32.73", 0.5)]
    assert await codes(phase_code="2027") == [("51.71", 0.0)]
    region_view = await client.get(RESULTS, headers=as_role("region", "35.78"))
    assert [r["region_code"] for r in region_view.json()["items"]] == ["35.78"]
    bad = await client.get(RESULTS, params={"cursor": "nonsense"}, headers=operator)
    assert (bad.status_code, bad.headers["content-type"]) == (422, "application/problem+json")
