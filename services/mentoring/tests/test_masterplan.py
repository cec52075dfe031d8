"""The master plan: every rule named in one 422, the roadmap, If-Match, approval freezing it, completion."""

from __future__ import annotations

import copy
import uuid
from datetime import datetime

import pytest
import sqlalchemy as sa
from mentoring.masterplan.models import MasterPlan
from mentoring.masterplan.schemas import MasterPlanIn
from mentoring.masterplan.validation import plan_problems
from mentoring.tracks.models import Track

ELEMENTS = {
    "governance": "service",
    "branding": "tourism",
    "economy": "transaction",
    "living": "mobility",
    "society": "learning",
    "environment": "waste",
}


def initiative(dimension, element=None, start=2021, end=2025, quick_win=False, **extra):
    return {
        "dimension": dimension,
        "element": element or ELEMENTS[dimension],
        "title": f"{dimension} initiative {start}-{end}",
        "benefit": "Citizens get the service without queueing.",
        "beneficiaries": "All residents",
        "kpi": "Median waiting time under 10 minutes",
        "technology": None,
        "start_year": start,
        "end_year": end,
        "quick_win": quick_win,
        "lead_agency": "Diskominfo",
        **extra,
    }


def good_plan():
    return {
        "vision": "Bandung, a liveable and caring smart city",
        "horizon_start_year": 2020,
        "horizon_end_year": 2029,
        "initiatives": [
            initiative("governance", start=2020, end=2020, quick_win=True),
            initiative("branding"),
            initiative("economy", start=2021, end=2022, quick_win=True),
            initiative("living", "health"),
            initiative("society", start=2020, end=2021, quick_win=True),
            initiative("environment", start=2025, end=2029),
        ],
    }


def shorten(plan, end):
    plan["horizon_end_year"] = end
    for item in plan["initiatives"]:
        item["start_year"], item["end_year"] = min(item["start_year"], end), min(item["end_year"], end)


@pytest.fixture
async def track(make_track):
    return await make_track("32.73")


def put(client, track, body, headers):
    return client.put(f"/api/v1/tracks/{track.id}/masterplan", json=body, headers=headers)


async def test_a_good_plan_is_kept_with_its_roadmap(client, as_role, track):
    created = await put(client, track, good_plan(), as_role("region", "32.73"))
    assert created.status_code == 201, created.text
    assert created.headers["etag"]
    plan = created.json()
    assert (plan["status"], plan["version"], plan["initiatives"]) == ("draft", 1, good_plan()["initiatives"])
    roadmap = plan["roadmap"]
    assert [y["year"] for y in roadmap] == list(range(2020, 2030))
    assert roadmap[0]["dimensions"] == {
        "governance": [{"index": 0, "title": "governance initiative 2020-2020", "quick_win": True}],
        "branding": [],
        "economy": [],
        "living": [],
        "society": [{"index": 4, "title": "society initiative 2020-2021", "quick_win": True}],
        "environment": [],
    }
    assert [len(y["dimensions"]["branding"]) for y in roadmap] == [0, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    read = await client.get(f"/api/v1/tracks/{track.id}/masterplan", headers=as_role("partner"))
    assert read.status_code == 200
    assert read.json() == plan and read.headers["etag"] == created.headers["etag"]


async def test_every_problem_is_named_in_one_422(client, as_role, track, session):
    plan = good_plan()
    plan["horizon_end_year"] = 2030  # 11 calendar years
    plan["initiatives"] = [
        initiative("governance", "tourism", start=2020, end=2020, quick_win=True),  # tourism is branding's
        initiative("economy", start=2021, end=2023, quick_win=True),  # a quick win of 2 years
        initiative("living", "health", benefit="", beneficiaries="  "),  # no benefit stated
        initiative("society", start=2019, end=2031),  # outside the horizon both ends
        initiative("technology", "ai"),  # no such dimension
    ]
    response = await put(client, track, plan, as_role("operator"))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == [
        (
            "horizon_end_year",
            "horizon_out_of_range",
            "The horizon 2020-2030 covers 11 calendar years; it must cover 5 to 10, both years included "
            "(e.g. 2020-2024 is 5).",
        ),
        (
            "initiatives[0].element",
            "unknown_element",
            "'tourism' is not an element of governance; one of service, bureaucracy, policy.",
        ),
        (
            "initiatives[1].end_year",
            "quick_win_too_long",
            "A quick win delivers within 12 months, so it covers at most 2 calendar years (e.g. 2021-2022); "
            "2021-2023 covers 3.",
        ),
        ("initiatives[2].benefit", "required", "State the benefit to citizens before any technology."),
        ("initiatives[2].beneficiaries", "required", "State who benefits."),
        ("initiatives[3].start_year", "outside_horizon", "2019 lies outside the horizon 2020-2030."),
        ("initiatives[3].end_year", "outside_horizon", "2031 lies outside the horizon 2020-2030."),
        (
            "initiatives[4].dimension",
            "unknown_dimension",
            "'technology' is not a dimension; one of governance, branding, economy, living, society, environment.",
        ),
        ("initiatives", "dimension_missing", "No initiative in the dimension 'branding'; each of the six needs one."),
        (
            "initiatives",
            "dimension_missing",
            "No initiative in the dimension 'environment'; each of the six needs one.",
        ),
        ("initiatives", "too_few_quick_wins", "At least 3 quick wins are needed; the plan has 2."),
    ]
    assert (await client.get(f"/api/v1/tracks/{track.id}/masterplan", headers=as_role("operator"))).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: shorten(p, 2023), "horizon_end_year"),  # 2020-2023: 4 calendar years
        (lambda p: p.update(horizon_start_year=2019), "horizon_end_year"),  # 2019-2029: 11 calendar years
        (lambda p: p["initiatives"][0].update(quick_win=False), "initiatives"),  # two quick wins
        (lambda p: p["initiatives"][2].update(end_year=2023), "initiatives[2].end_year"),  # a 2-year quick win
        (lambda p: p["initiatives"][1].update(element="health"), "initiatives[1].element"),
        (lambda p: p["initiatives"][1].update(start_year=2026, end_year=2025), "initiatives[1].end_year"),
        (lambda p: p["initiatives"].pop(5), "initiatives"),  # environment missing
    ],
)
async def test_each_rule_alone(client, as_role, track, change, field):
    plan = copy.deepcopy(good_plan())
    change(plan)
    response = await put(client, track, plan, as_role("region", "32.73"))
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


async def test_the_horizon_bounds_are_inclusive(client, as_role, make_track):
    for end in (2024, 2029):  # 2020-2024 is 5 calendar years, 2020-2029 is 10
        track = await make_track("32.73")
        plan = good_plan()
        shorten(plan, end)
        assert (await put(client, track, plan, as_role("operator"))).status_code == 201


def plan_over(start, end):
    """A plan that keeps every rule but the horizon's: its initiatives within `start`-`end`."""
    plan = good_plan()
    plan.update(horizon_start_year=start, horizon_end_year=end)
    for item in plan["initiatives"]:
        item["start_year"], item["end_year"] = start, min(end, start + 1)
    return plan


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (2026, 2030, []),  # 5 calendar years, as an RPJMD 2025-2029
        (2026, 2035, []),  # 10
        (2026, 2029, ["horizon_end_year"]),  # 4
        (2026, 2036, ["horizon_end_year"]),  # 11
        (2026, 2026, ["horizon_end_year"]),  # 1
    ],
)
def test_the_horizon_counts_calendar_years(start, end, fields):
    problems = plan_problems(MasterPlanIn.model_validate(plan_over(start, end)))
    assert [p.field for p in problems] == fields


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        (2026, 2026, []),  # within one year
        (2026, 2027, []),  # 12 months from mid-2026
        (2026, 2028, ["initiatives[0].end_year"]),  # 3 calendar years
    ],
)
def test_a_quick_win_covers_at_most_two_calendar_years(start, end, fields):
    plan = plan_over(2026, 2030)
    plan["initiatives"][0].update(start_year=start, end_year=end)
    assert plan["initiatives"][0]["quick_win"]
    assert [p.field for p in plan_problems(MasterPlanIn.model_validate(plan))] == fields


async def test_a_plan_of_2026_2030_is_kept_and_2026_2036_refused(client, as_role, track):
    refused = await put(client, track, plan_over(2026, 2036), as_role("operator"))
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "horizon_end_year",
            "code": "horizon_out_of_range",
            "message": "The horizon 2026-2036 covers 11 calendar years; it must cover 5 to 10, both years included "
            "(e.g. 2026-2030 is 5).",
        }
    ]
    kept = await put(client, track, plan_over(2026, 2030), as_role("operator"))
    assert kept.status_code == 201, kept.text
    assert [y["year"] for y in kept.json()["roadmap"]] == [2026, 2027, 2028, 2029, 2030]


async def old_rule_plan(session, track, status):
    """A plan stored while the horizon was `end - start` (2020-2030 passed as 10 years)."""
    plan = plan_over(2020, 2030)
    session.add(
        MasterPlan(
            track_id=track.id,
            version=1,
            status=status,
            vision=plan["vision"],
            horizon_start_year=2020,
            horizon_end_year=2030,
            initiatives=plan["initiatives"],
            updated_by="operator:operator@test",
            approved_by="operator:operator@test" if status == "approved" else None,
        )
    )
    await session.flush()


async def test_an_approved_plan_is_not_judged_again(client, as_role, track, session, upstream):
    await old_rule_plan(session, track, "approved")
    read = await client.get(f"/api/v1/tracks/{track.id}/masterplan", headers=as_role("operator"))
    assert (read.status_code, read.json()["status"], len(read.json()["roadmap"])) == (200, "approved", 11)
    await session.execute(sa.update(Track).where(Track.id == track.id).values(stage="bimtek_4"))
    operator = as_role("operator")
    for kind in ("masterplan_final", "commitment_sheet"):
        submitted = {"kind": kind, "document_id": upstream.add_document("32.73", kind)}
        d = await client.post(f"/api/v1/tracks/{track.id}/deliverables", json=submitted, headers=operator)
        review = {"decision": "approved"}
        await client.post(f"/api/v1/deliverables/{d.json()['id']}/review", json=review, headers=operator)
    done = await client.post(f"/api/v1/tracks/{track.id}/advance", headers=as_role("operator"))
    assert (done.status_code, done.json()["status"]) == (200, "completed")


async def test_a_draft_of_the_old_rule_is_judged_before_approval(client, as_role, track, session):
    await old_rule_plan(session, track, "draft")
    path = f"/api/v1/tracks/{track.id}/masterplan"
    refused = await client.post(f"{path}/approve", headers=as_role("operator"))
    assert (refused.status_code, refused.json()["code"]) == (422, "masterplan-invalid")
    assert [e["field"] for e in refused.json()["errors"]] == ["horizon_end_year"]
    assert (await client.get(path, headers=as_role("operator"))).json()["status"] == "draft"


async def test_unknown_fields_and_types_are_422(client, as_role, track):
    plan = good_plan()
    plan["initiatives"][0]["budget"] = 1000
    plan["horizon_start_year"] = "soon"
    response = await put(client, track, plan, as_role("operator"))
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["horizon_start_year", "initiatives[0].budget"]


async def test_edits_need_if_match_and_approval_freezes(client, as_role, track):
    region = as_role("region", "32.73")
    first = await put(client, track, good_plan(), region)
    etag = first.headers["etag"]
    changed = good_plan()
    changed["vision"] = "Bandung, a smart and green city"

    assert (await put(client, track, changed, region)).status_code == 428
    assert (await put(client, track, changed, {**region, "if-match": '"stale"'})).status_code == 412
    updated = await put(client, track, changed, {**region, "if-match": etag})
    assert updated.status_code == 200
    assert (updated.json()["vision"], updated.json()["version"]) == ("Bandung, a smart and green city", 2)
    assert updated.headers["etag"] != etag
    assert (await put(client, track, changed, {**region, "if-match": etag})).status_code == 412

    assert (await client.post(f"/api/v1/tracks/{track.id}/masterplan/approve", headers=region)).status_code == 403
    approved = await client.post(f"/api/v1/tracks/{track.id}/masterplan/approve", headers=as_role("operator"))
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved", "operator:operator@test")
    frozen = await put(client, track, good_plan(), {**region, "if-match": approved.headers["etag"]})
    assert (frozen.status_code, frozen.json()["code"]) == (409, "masterplan-frozen")
    again = await client.post(f"/api/v1/tracks/{track.id}/masterplan/approve", headers=as_role("operator"))
    assert (again.status_code, again.json()["code"]) == (409, "masterplan-already-approved")


async def test_who_may_write_and_read(client, as_role, track, make_mentor, assign):
    for role, status in (("mentor", 403), ("partner", 403)):
        assert (await put(client, track, good_plan(), as_role(role))).status_code == status
    assert (await put(client, track, good_plan(), as_role("region", "51.71"))).status_code == 404
    assert (await put(client, track, good_plan(), as_role("operator"))).status_code == 201
    mentor = await make_mentor(home_region_code=None)
    path = f"/api/v1/tracks/{track.id}/masterplan"
    assert (await client.get(path, headers=as_role("mentor", subject=mentor["email"]))).status_code == 404
    await assign(track.id, mentor["id"])
    assert (await client.get(path, headers=as_role("mentor", subject=mentor["email"]))).status_code == 200
    assert (await client.get(path, headers=as_role("region", "51.71"))).status_code == 404
    approved = await client.post(f"/api/v1/tracks/{track.id}/masterplan/approve", headers=as_role("operator"))
    assert approved.status_code == 200


async def test_approving_without_a_plan_is_409(client, as_role, track):
    response = await client.post(f"/api/v1/tracks/{track.id}/masterplan/approve", headers=as_role("operator"))
    assert (response.status_code, response.json()["code"]) == (409, "masterplan-missing")
    assert response.json()["detail"] == "The track has no master plan to approve yet."


async def test_a_track_goes_through_all_four_stages_and_completes(client, as_role, track, upstream, events_of):
    region, operator = as_role("region", "32.73"), as_role("operator")
    advance = f"/api/v1/tracks/{track.id}/advance"
    kinds = {
        "bimtek_1": ["readiness_report"],
        "bimtek_2": ["strategic_analysis", "quick_win_list"],
        "bimtek_3": ["masterplan_draft"],
        "bimtek_4": ["masterplan_final", "commitment_sheet"],
    }
    for stage, needed in kinds.items():
        for kind in needed:
            doc = upstream.add_document("32.73", kind)
            d = await client.post(
                f"/api/v1/tracks/{track.id}/deliverables", json={"kind": kind, "document_id": doc}, headers=region
            )
            assert d.status_code == 201, d.text
            assert d.json()["stage"] == stage
            ok = await client.post(
                f"/api/v1/deliverables/{d.json()['id']}/review", json={"decision": "approved"}, headers=operator
            )
            assert ok.status_code == 200
        if stage != "bimtek_4":
            assert (await client.post(advance, headers=operator)).json()["stage"] != stage

    blocked = await client.post(advance, headers=operator)
    assert blocked.status_code == 409
    assert {k: blocked.json()[k] for k in ("stage", "missing_deliverables", "masterplan_approved")} == {
        "stage": "bimtek_4",
        "missing_deliverables": [],
        "masterplan_approved": False,
    }
    assert blocked.json()["detail"] == "The track cannot leave bimtek_4 yet: it needs an approved master plan."
    await put(client, track, good_plan(), region)
    await client.post(f"/api/v1/tracks/{track.id}/masterplan/approve", headers=operator)
    done = await client.post(advance, headers=operator)
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["stage"]) == ("completed", "bimtek_4")
    assert done.json()["closed_at"] is not None
    closed = await client.post(advance, headers=operator)
    assert (closed.status_code, closed.json()["code"]) == (409, "track-not-active")

    ids = {
        "track_id": str(track.id),
        "participant_id": str(track.participant_id),
        "region_code": track.region_code,
        "phase_code": track.phase_code,
    }
    assert [t for t, _ in await events_of()] == [
        "track.opened",
        "track.stage_advanced",
        "track.stage_advanced",
        "track.stage_advanced",
        "track.completed",
    ]
    assert (await events_of())[-1] == ("track.completed", ids)
    assert [(d["from"], d["to"]) for t, d in await events_of() if t == "track.stage_advanced"] == [
        ("bimtek_1", "bimtek_2"),
        ("bimtek_2", "bimtek_3"),
        ("bimtek_3", "bimtek_4"),
    ]
    feed = await client.get("/api/v1/events/mentoring", headers=as_role("partner"))
    assert feed.status_code == 200


async def test_approval_records_the_whole_plan_in_one_event(client, as_role, track, events_of):
    region, operator = as_role("region", "32.73"), as_role("operator")
    approve = f"/api/v1/tracks/{track.id}/masterplan/approve"
    assert (await client.post(approve, headers=operator)).status_code == 409
    assert (await put(client, track, good_plan(), region)).status_code == 201
    approved = await client.post(approve, headers=operator)
    assert approved.status_code == 200
    assert (await client.post(approve, headers=operator)).status_code == 409

    [(saved, _), (type_, data)] = await events_of("masterplan.")
    plan = approved.json()
    assert saved == "masterplan.saved"
    assert type_ == "masterplan.approved"
    assert datetime.fromisoformat(data.pop("approved_at")) == datetime.fromisoformat(plan["approved_at"])
    assert data == {
        "track_id": str(track.id),
        "participant_id": str(track.participant_id),
        "region_code": "32.73",
        "phase_code": "2018",
        "version": 2,
        "approved_by": "operator:operator@test",
        **good_plan(),
        "initiatives": [
            {"id": str(uuid.uuid5(track.id, f"initiative-{index}")), "index": index, **item}
            for index, item in enumerate(good_plan()["initiatives"])
        ],
    }
    assert plan["version"] == 2
