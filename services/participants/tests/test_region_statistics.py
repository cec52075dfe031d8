"""Population and area of regions: a CSV upsert, all or nothing, each bad row named, one event per change."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from participants.regions.models import Region
from smartcity_dev.testing import SHARED_REGIONS

CSV = {"content-type": "text/csv"}
HEADER = "code,population_male,population_female,population,area_km2\n"
OFFICIAL = SHARED_REGIONS.with_name("population_area.csv")


async def upload(client, as_role, body: str | bytes, role: str = "operator"):
    return await client.post("/api/v1/regions/statistics", content=body, headers={**as_role(role), **CSV})


async def statistics_events(session) -> list[dict]:
    rows = await session.execute(
        sa.text("SELECT subject, data FROM participants.events WHERE type = 'region.statistics_updated' ORDER BY id")
    )
    return [{"subject": r.subject, **r.data} for r in rows]


async def test_figures_are_stored_shown_and_told_once_per_change(client, as_role, regions, session):
    body = HEADER + "32.73,1281473,1288610,2570083,167.67\n32,25000000,24900000,49900000,35377.76\n"
    first = await upload(client, as_role, body)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": 2, "updated": 0, "unchanged": 0}
    region = (await client.get("/api/v1/regions/32.73", headers=as_role("region", "32.73"))).json()
    assert (region["population_male"], region["population_female"], region["population"]) == (
        1281473,
        1288610,
        2570083,
    )
    assert float(region["area_km2"]) == 167.67
    assert await statistics_events(session) == [
        {
            "subject": "regions/32.73",
            "code": "32.73",
            "region_code": "32.73",
            "population_male": 1281473,
            "population_female": 1288610,
            "population": 2570083,
            "area_km2": 167.67,
        },
        {
            "subject": "regions/32",
            "code": "32",
            "region_code": None,
            "population_male": 25000000,
            "population_female": 24900000,
            "population": 49900000,
            "area_km2": 35377.76,
        },
    ]
    again = await upload(client, as_role, body.replace("167.67", "167.670"))
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2}
    changed = await upload(client, as_role, HEADER + "32.73,1281474,1288610,2570084,167.67\n")
    assert changed.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert [e["population"] for e in await statistics_events(session)] == [2570083, 49900000, 2570084]


async def test_every_bad_row_is_named_and_nothing_is_stored(client, as_role, regions, session):
    body = (
        HEADER
        + "32.73,1,2,3,1.5\n"  # good
        + "99.99,1,2,3,1\n"  # unknown region
        + "32.04,1,2,4,1\n"  # total is not the sum
        + "33.74,-1,2,1,1\n"  # negative people
        + "35.78,1,2,3,-4\n"  # negative area
        + "51.71,1,2,3,1.2345\n"  # four decimals
        + "32.73,1,2,3,1\n"  # duplicate
        + "64.72,1,2\n"  # short row
        + "73.71,1e3,2,3,nan\n"  # not numbers
        + "81.71,=1+1,2,3,1\n"  # a formula is not a number either
    )
    response = await upload(client, as_role, body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [
        "line 3.code",
        "line 4.population",
        "line 5.population_male",
        "line 6.area_km2",
        "line 7.area_km2",
        "line 8.code",
        "line 9.row",
        "line 10.population_male",
        "line 10.area_km2",
        "line 11.population_male",
    ]
    stored = await session.execute(sa.select(sa.func.count()).select_from(Region).where(Region.population.is_not(None)))
    assert stored.scalar() == 0
    assert await statistics_events(session) == []


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("code,population\n32.73,5\n", 422, "line 1"),
        (HEADER, 422, "body"),
        (b"\xff\xfe" + HEADER.encode(), 422, "body"),
    ],
)
async def test_a_file_that_is_not_the_table_is_refused(client, as_role, regions, body, status, field):
    response = await upload(client, as_role, body)
    assert response.status_code == status
    assert response.json()["errors"][0]["field"] == field


async def test_only_staff_upload_and_only_csv(client, as_role, regions):
    body = HEADER + "32.73,1,2,3,1\n"
    assert (await upload(client, as_role, body, role="region")).status_code == 403
    assert (await upload(client, as_role, body, role="partner")).status_code == 403
    wrong = await client.post(
        "/api/v1/regions/statistics", content=body, headers={**as_role("operator"), "content-type": "application/json"}
    )
    assert wrong.status_code == 415


async def test_the_official_file_loads_whole(client, as_role, session):
    if not OFFICIAL.exists():
        pytest.skip(f"{OFFICIAL} is not here (a user's clone has no ../shared)")
    regions = OFFICIAL.with_name("regions.csv").read_bytes()
    assert (
        await client.post("/api/v1/regions/import", content=regions, headers={**as_role("operator"), **CSV})
    ).status_code == 200
    response = await upload(client, as_role, OFFICIAL.read_bytes())
    assert response.status_code == 200, response.text[:2000]
    assert response.json() == {"created": 552, "updated": 0, "unchanged": 0}
    total = await session.execute(sa.select(sa.func.sum(Region.population)).where(Region.level == "regency_city"))
    assert total.scalar() == 284_973_643
