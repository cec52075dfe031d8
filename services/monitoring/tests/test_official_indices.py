"""Official indices: published by the ministry that owns each, a year for many regions at once, all or nothing."""

from __future__ import annotations

PATH = "/api/v1/monitoring/official-indices"


async def test_a_ministry_publishes_its_own_index_for_many_regions(client, as_role, events_of):
    pupr = as_role("partner", subject="api-key:pupr", organization="pupr")
    body = {"values": [{"region_code": "32.73", "value": 71.5}, {"region_code": "32.04", "value": 64}]}
    response = await client.put(f"{PATH}/green_city_index/2026", json=body, headers=pupr)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "index": "green_city_index",
        "year": 2026,
        "organization": "pupr",
        "received": 2,
        "changed": 2,
    }
    published = await events_of("official_index.")
    assert [(d["region_code"], d["value"], d["organization"], d["published_by"]) for _, d in published] == [
        ("32.73", 71.5, "pupr", "partner:api-key:pupr"),
        ("32.04", 64.0, "pupr", "partner:api-key:pupr"),
    ]
    # the same again changes nothing; one value changed is one event
    assert (await client.put(f"{PATH}/green_city_index/2026", json=body, headers=pupr)).json()["changed"] == 0
    body["values"][1]["value"] = 66
    assert (await client.put(f"{PATH}/green_city_index/2026", json=body, headers=pupr)).json()["changed"] == 1
    assert len(await events_of("official_index.")) == 3
    read = await client.get(f"{PATH}/green_city_index/2026", headers=as_role("region", "32.73"))
    assert [(v["region_code"], v["value"]) for v in read.json()["items"]] == [("32.04", 66.0), ("32.73", 71.5)]
    listed = await client.get(PATH, params={"region_code": "32.73"}, headers=as_role("mentor"))
    assert [(v["index"], v["year"], v["value"]) for v in listed.json()["items"]] == [("green_city_index", 2026, 71.5)]


async def test_only_the_owning_ministry_publishes(client, as_role, events_of):
    body = {"values": [{"region_code": "32.73", "value": 50}]}
    for headers in (
        as_role("partner", organization="kemenkeu"),  # another ministry's index
        as_role("partner"),  # a partner key bound to no organisation
    ):
        response = await client.put(f"{PATH}/green_city_index/2026", json=body, headers=headers)
        assert (response.status_code, response.headers["content-type"]) == (403, "application/problem+json")
        assert response.json()["code"] == "official-index-owner-only"
    assert (
        await client.put(f"{PATH}/green_city_index/2026", json=body, headers=as_role("operator"))
    ).status_code == 403
    assert await events_of("official_index.") == []
    kemenkeu = as_role("partner", organization="kemenkeu")
    assert (await client.put(f"{PATH}/fiscal_capacity/2026", json=body, headers=kemenkeu)).status_code == 200
    assert (await client.put(f"{PATH}/no_such_index/2026", json=body, headers=kemenkeu)).status_code == 422


async def test_a_csv_with_any_bad_row_publishes_nothing_and_names_each(client, as_role, events_of):
    bappenas = {**as_role("partner", organization="bappenas"), "content-type": "text/csv"}
    csv = b"region_code,value\n32.73,70.5\n32.7,60\n35.78,101\n51.71,inf\n\n73.71,55\n"
    response = await client.put(f"{PATH}/sustainable_city_index/2026", content=csv, headers=bappenas)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "row 3, column region_code", "code": "not_a_region", "message": "Not a region code like 32.73."},
        {"field": "row 4, column value", "code": "not_a_percentage", "message": "A number within 0-100."},
        {"field": "row 5, column value", "code": "not_a_percentage", "message": "A number within 0-100."},
    ]
    assert await events_of("official_index.") == []
    good = b'region_code,value\n32.73,"70,5"\n73.71,55\n'  # a decimal comma, quoted
    ok = await client.put(f"{PATH}/sustainable_city_index/2026", content=good, headers=bappenas)
    assert (ok.status_code, ok.json()["changed"]) == (200, 2)
    twice = {"values": [{"region_code": "32.73", "value": 1}, {"region_code": "32.73", "value": 2}]}
    dup = await client.put(
        f"{PATH}/sustainable_city_index/2026", json=twice, headers=as_role("partner", organization="bappenas")
    )
    assert (dup.status_code, dup.json()["errors"][0]["field"]) == (422, "values[1].region_code")
    for raw, media in (
        (b'{"values": [{"region_code": "32.73", "value": 1e999}]}', "application/json"),
        (b"x", "application/pdf"),
    ):
        bad = await client.put(
            f"{PATH}/sustainable_city_index/2026", content=raw, headers={**bappenas, "content-type": media}
        )
        assert bad.status_code in (415, 422)
