"""The indicator catalogue, and indicators attached to initiatives with their baselines and targets."""

from __future__ import annotations

import uuid

import pytest

CATALOGUE = "/api/v1/monitoring/indicators"


async def test_the_catalogue_holds_thirty_one_indicators_across_the_six_dimensions(client, as_role):
    items, cursor = [], None
    while True:
        page = await client.get(
            CATALOGUE, params={"limit": 7, **({"cursor": cursor} if cursor else {})}, headers=as_role("partner")
        )
        assert page.status_code == 200
        items += page.json()["items"]
        if not (cursor := page.json()["next_cursor"]):
            break
    assert len(items) == 31
    assert [i["code"] for i in items] == sorted(i["code"] for i in items)
    by_dimension = {}
    for item in items:
        by_dimension.setdefault(item["dimension"], []).append(item["code"])
    assert {d: len(c) for d, c in by_dimension.items()} == {
        "governance": 5,
        "branding": 5,
        "economy": 5,
        "living": 5,
        "society": 5,
        "environment": 6,
    }
    assert (
        sum(1 for i in items if i["reference"] and ("ISO 37122" in i["reference"] or "U4SSC" in i["reference"])) >= 25
    )
    piped = await client.get(f"{CATALOGUE}/piped_water_households_share", headers=as_role("region", "32.73"))
    assert piped.json() == {
        "code": "piped_water_households_share",
        "name_id": "Persentase rumah tangga dengan air perpipaan",
        "name_en": "Share of households with piped water",
        "unit": "percent",
        "direction": "increase",
        "dimension": "living",
        "reference": "ISO 37120:2018 23 (water): percentage of city population with potable water supply service; "
        "U4SSC KPI 'Basic Water Supply'",
    }
    permit = (await client.get(f"{CATALOGUE}/business_permit_days", headers=as_role("mentor"))).json()
    assert (permit["unit"], permit["direction"]) == ("days", "decrease")
    governance = await client.get(CATALOGUE, params={"dimension": "governance"}, headers=as_role("partner"))
    assert [i["code"] for i in governance.json()["items"]] == sorted(by_dimension["governance"])
    missing = await client.get(f"{CATALOGUE}/no_such", headers=as_role("partner"))
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")


async def test_a_region_attaches_a_catalogue_indicator_with_its_baseline_and_targets(
    client, as_role, make_portfolio, attach, events_of
):
    plan = await make_portfolio("32.73")
    initiative = plan["initiatives"][0]
    response = await attach(initiative["id"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/monitoring/tracked-indicators/{body['id']}"
    assert {k: body[k] for k in ("initiative_id", "region_code", "indicator_code", "name", "unit", "direction")} == {
        "initiative_id": initiative["id"],
        "region_code": "32.73",
        "indicator_code": "online_services_share",
        "name": "Share of city services that can be requested online",
        "unit": "percent",
        "direction": "increase",
    }
    assert (body["baseline"], body["targets"], body["version"]) == (
        {"value": 20.0, "year": 2025},
        [{"year": 2026, "value": 40.0}, {"year": 2027, "value": 60.0}],
        1,
    )
    assert body["created_by"] == "region:region@test"
    [(type_, data)] = await events_of("indicator.")
    assert (type_, data["region_code"], data["tracked_indicator_id"], data["initiative_id"]) == (
        "indicator.attached",
        "32.73",
        body["id"],
        initiative["id"],
    )
    listed = await client.get(
        f"/api/v1/monitoring/initiatives/{initiative['id']}/indicators", headers=as_role("partner")
    )
    assert [t["id"] for t in listed.json()] == [body["id"]]
    again = await attach(initiative["id"])
    assert (again.status_code, again.json()["code"]) == (409, "indicator-already-tracked")
    own = await attach(
        initiative["id"],
        indicator_code=None,
        own={"name": "Aduan warga via aplikasi", "unit": "count", "direction": "increase"},
        baseline={"value": 0, "year": 2026},
        targets=[{"year": 2027, "value": 500}],
    )
    assert own.status_code == 201, own.text
    assert (own.json()["indicator_code"], own.json()["name"], own.json()["unit"]) == (
        None,
        "Aduan warga via aplikasi",
        "count",
    )


async def test_only_the_region_or_an_operator_attaches_and_others_see_nothing(client, as_role, make_portfolio, attach):
    plan = await make_portfolio("32.73")
    initiative_id = plan["initiatives"][0]["id"]
    assert (await attach(initiative_id, region_code="32.04")).status_code == 404
    assert (await attach(str(uuid.uuid4()))).status_code == 404
    path = f"/api/v1/monitoring/initiatives/{initiative_id}/indicators"
    body = {
        "indicator_code": "open_datasets",
        "baseline": {"value": 3, "year": 2025},
        "targets": [{"year": 2026, "value": 9}],
    }
    for role in ("partner", "mentor"):
        assert (await client.post(path, json=body, headers=as_role(role))).status_code == 403
    assert (await client.post(path, json=body, headers=as_role("operator"))).status_code == 201
    assert (await client.get(path, headers=as_role("region", "32.04"))).status_code == 404
    assert (
        await client.get(f"/api/v1/monitoring/initiatives/{initiative_id}", headers=as_role("region", "32.04"))
    ).status_code == 404
    assert (await client.get(path, headers=as_role("mentor"))).status_code == 404  # not the region's mentor


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"indicator_code": "no_such"}, [("indicator_code", "unknown_indicator", "Unknown indicator.")]),
        ({"indicator_code": None}, [("indicator_code", "exactly_one", "Give exactly one of indicator_code and own.")]),
        (
            {"own": {"name": "X", "unit": "count", "direction": "increase"}},
            [("indicator_code", "exactly_one", "Give exactly one of indicator_code and own.")],
        ),
        (
            {
                "baseline": {"value": 20, "year": 2027},
                "targets": [{"year": 2025, "value": 40}, {"year": 2028, "value": 140}],
            },
            [
                (
                    "baseline.year",
                    "baseline_after_start",
                    "The baseline comes before the initiative starts (2026) or in that year.",
                ),
                ("targets[0].year", "outside_span", "Outside the initiative's span 2026-2027."),
                ("targets[1].year", "outside_span", "Outside the initiative's span 2026-2027."),
                ("targets[1].value", "not_a_percentage", "A percentage lies within 0-100."),
            ],
        ),
        (
            {"targets": [{"year": 2026, "value": 10}, {"year": 2026, "value": 30}]},
            [
                (
                    "targets[0].value",
                    "not_above_baseline",
                    "An indicator that should increase needs a target above its baseline.",
                ),
                ("targets[1].year", "duplicate", "A second target for 2026."),
            ],
        ),
        ({"baseline": {"value": -1, "year": 2025}}, [("baseline.value", "negative", "A value cannot be negative.")]),
    ],
)
async def test_bad_baselines_and_targets_are_all_named_and_nothing_is_stored(
    client, as_role, make_portfolio, attach, events_of, change, errors
):
    plan = await make_portfolio("32.73")
    response = await attach(plan["initiatives"][0]["id"], **change)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [(e["field"], e["code"], e["message"]) for e in response.json()["errors"]] == errors
    assert await events_of("indicator.") == []


async def test_non_finite_numbers_and_unknown_fields_are_refused(client, as_role, make_portfolio):
    plan = await make_portfolio("32.73")
    path = f"/api/v1/monitoring/initiatives/{plan['initiatives'][0]['id']}/indicators"
    headers = {**as_role("region", "32.73"), "content-type": "application/json"}
    head = b'{"indicator_code": "open_datasets", "baseline": {"value": '
    for raw in (
        head + b'1e999, "year": 2025}, "targets": [{"year": 2026, "value": 5}]}',
        head + b'NaN, "year": 2025}, "targets": [{"year": 2026, "value": 5}]}',
        head + b'1, "year": 2025}, "targets": [{"year": 2026, "value": "x"}]}',
        head + b'1, "year": 2025}, "targets": [], "colour": "red"}',
    ):
        response = await client.post(path, content=raw, headers=headers)
        assert response.status_code in (400, 422), raw
        assert response.headers["content-type"] == "application/problem+json"
    listed = await client.get(path, headers=as_role("operator"))
    assert listed.json() == []


async def test_targets_change_only_with_the_current_etag(client, as_role, make_portfolio, attach):
    plan = await make_portfolio("32.73")
    tracked = (await attach(plan["initiatives"][0]["id"])).json()
    path = f"/api/v1/monitoring/tracked-indicators/{tracked['id']}"
    read = await client.get(path, headers=as_role("region", "32.73"))
    etag = read.headers["etag"]
    body = {"baseline": {"value": 25, "year": 2025}, "targets": [{"year": 2026, "value": 45}]}
    region = as_role("region", "32.73")
    assert (await client.put(f"{path}/targets", json=body, headers=region)).status_code == 428
    assert (
        await client.put(f"{path}/targets", json=body, headers={**region, "If-Match": '"stale"'})
    ).status_code == 412
    bad = {"baseline": {"value": 25, "year": 2025}, "targets": [{"year": 2026, "value": 5}]}
    refused = await client.put(f"{path}/targets", json=bad, headers={**region, "If-Match": etag})
    assert refused.status_code == 422
    changed = await client.put(f"{path}/targets", json=body, headers={**region, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["version"], changed.json()["targets"]) == (2, [{"year": 2026, "value": 45.0}])
    assert changed.headers["etag"] != etag
    assert (await client.put(f"{path}/targets", json=body, headers={**region, "If-Match": etag})).status_code == 412
    other = as_role("region", "32.04")
    assert (await client.put(f"{path}/targets", json=body, headers={**other, "If-Match": "*"})).status_code == 404
