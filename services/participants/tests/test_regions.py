"""Regions: import (all or nothing, counts), reads, filters, time zones, roles."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from participants.regions.models import Region

CSV = {"content-type": "text/csv"}


async def import_csv(client, as_role, body: str | bytes, role: str = "operator"):
    return await client.post("/api/v1/regions/import", content=body, headers={**as_role(role), **CSV})


async def test_import_counts_created_then_unchanged_then_updated(client, as_role, regions_csv):
    ROWS = len(regions_csv.strip().splitlines()) - 1  # noqa: N806
    first = await import_csv(client, as_role, regions_csv)
    assert first.status_code == 200, first.text
    assert first.json() == {"created": ROWS, "updated": 0, "unchanged": 0}
    second = await import_csv(client, as_role, regions_csv)
    assert second.json() == {"created": 0, "updated": 0, "unchanged": ROWS}
    renamed = regions_csv.replace("Kota Cimahi,", "Kota Cimahi Baru,")
    third = await import_csv(client, as_role, renamed)
    assert third.json() == {"created": 0, "updated": 1, "unchanged": ROWS - 1}


async def test_a_bad_row_names_its_line_and_imports_nothing(client, as_role, session, regions_csv):
    ROWS = len(regions_csv.strip().splitlines()) - 1  # noqa: N806
    bad = (
        regions_csv
        + "32.99,Kabupaten Salah,regency_city,kabupaten,32,Jawa Barat\n99.71,Kota X,regency_city,kota,99,X\n"
    )
    response = await import_csv(client, as_role, bad)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid-regions-file"
    assert response.headers["content-type"] == "application/problem+json"
    fields = [e["field"] for e in response.json()["errors"]]
    assert fields == [f"line {ROWS + 2}.code", f"line {ROWS + 3}.province_code"]
    assert (await session.execute(sa.select(sa.func.count()).select_from(Region))).scalar() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("code,name\n32,Jawa Barat\n", "line 1"),
        ("code,name,level,kind,province_code,province_name\n", "body"),
        ("code,name,level,kind,province_code,province_name\n32,Jawa Barat,province,kota,,\n", "line 2.kind"),
        (
            "code,name,level,kind,province_code,province_name\n32,Jawa Barat,province,provinsi,,\n"
            "32.73,Kota Bandung,regency_city,kota,33,Jawa Barat\n",
            "line 3.province_code",
        ),
        (
            "code,name,level,kind,province_code,province_name\n32,Jawa Barat,province,provinsi,,\n"
            "32,Jawa Barat,province,provinsi,,\n",
            "line 3.code",
        ),
        (
            "code,name,level,kind,province_code,province_name\n32,Jawa Barat,province,provinsi,,\n"
            "32.73,Kota Bandung,regency_city,kota,32\n",
            "line 3.row",
        ),
    ],
)
async def test_malformed_files_are_refused(client, as_role, body, field):
    response = await import_csv(client, as_role, body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


async def test_import_needs_csv_and_an_operator(client, as_role, regions_csv):
    assert (
        await client.post(
            "/api/v1/regions/import",
            content=regions_csv,
            headers={**as_role("operator"), "content-type": "application/json"},
        )
    ).status_code == 415
    for role in ("region", "partner", "mentor"):
        response = await import_csv(client, as_role, regions_csv, role=role)
        assert response.status_code == 403, role
    response = await client.post("/api/v1/regions/import", content=regions_csv, headers=CSV)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_time_zone_follows_the_province(client, as_role, regions_csv):
    await import_csv(client, as_role, regions_csv)
    zones = {}
    for code in ("32.73", "51.71", "73.71", "94.71", "11", "64.72"):
        response = await client.get(f"/api/v1/regions/{code}", headers=as_role("partner"))
        assert response.status_code == 200
        zones[code] = (response.json()["time_zone"], response.json()["time_zone_abbreviation"])
    assert zones == {
        "32.73": ("Asia/Jakarta", "WIB"),
        "51.71": ("Asia/Makassar", "WITA"),
        "73.71": ("Asia/Makassar", "WITA"),
        "94.71": ("Asia/Jayapura", "WIT"),
        "11": ("Asia/Jakarta", "WIB"),
        "64.72": ("Asia/Makassar", "WITA"),
    }


async def test_list_filters_and_pages(client, as_role, regions_csv):
    ROWS = len(regions_csv.strip().splitlines()) - 1  # noqa: N806
    await import_csv(client, as_role, regions_csv)
    headers = as_role("region", "32.73")
    kota = (await client.get("/api/v1/regions", params={"kind": "kota", "province_code": "32"}, headers=headers)).json()
    assert [r["code"] for r in kota["items"]] == ["32.73", "32.77"]
    assert kota["next_cursor"] is None
    found = (await client.get("/api/v1/regions", params={"q": "BANDUNG"}, headers=headers)).json()
    assert [r["code"] for r in found["items"]] == ["32.04", "32.73"]
    provinces = (await client.get("/api/v1/regions", params={"level": "province"}, headers=headers)).json()
    assert len(provinces["items"]) == 10

    seen, cursor = [], None
    while True:
        params = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/regions", params=params, headers=headers)).json()
        seen += [r["code"] for r in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen) and len(seen) == ROWS


async def test_bad_queries_are_problems(client, as_role):
    headers = as_role("partner")
    assert (await client.get("/api/v1/regions/99.99", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/regions/bandung", headers=headers)).status_code == 422
    response = await client.get("/api/v1/regions", params={"limit": 0}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"
    response = await client.get("/api/v1/regions", params={"cursor": "not-a-cursor"}, headers=headers)
    assert response.status_code == 422
    assert (await client.get("/api/v1/regions", params={"kind": "desa"}, headers=headers)).status_code == 422


async def test_full_official_list_imports_552(client, as_role, shared_regions_csv):
    body = shared_regions_csv.read_bytes()
    assert (await import_csv(client, as_role, body)).json() == {"created": 552, "updated": 0, "unchanged": 0}
    assert (await import_csv(client, as_role, body)).json() == {"created": 0, "updated": 0, "unchanged": 552}
    kota = await client.get("/api/v1/regions", params={"kind": "kota", "limit": 200}, headers=as_role("partner"))
    assert len(kota.json()["items"]) == 98
