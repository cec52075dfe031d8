"""Participants tests: one migrated database per session, each test in a rolled-back transaction
(the fixtures every package shares are smartcity_dev.testing's)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest
from participants.main import create_app
from participants.migrate import MIGRATIONS
from participants.settings import Settings
from smartcity_kit.migrations import upgrade
from sqlalchemy.ext.asyncio import AsyncEngine

SECRET = "participants-test-secret-of-32-chars-or-more"

# A small regions file written as facts, for what must run in any clone: both kinds, all three time zones.
REGIONS_CSV = """code,name,level,kind,province_code,province_name
11,Aceh,province,provinsi,,
11.71,Kota Banda Aceh,regency_city,kota,11,Aceh
11.06,Kabupaten Aceh Besar,regency_city,kabupaten,11,Aceh
31,DKI Jakarta,province,provinsi,,
31.71,Kota Adm. Jakarta Selatan,regency_city,kota,31,DKI Jakarta
32,Jawa Barat,province,provinsi,,
32.04,Kabupaten Bandung,regency_city,kabupaten,32,Jawa Barat
32.73,Kota Bandung,regency_city,kota,32,Jawa Barat
32.77,Kota Cimahi,regency_city,kota,32,Jawa Barat
33,Jawa Tengah,province,provinsi,,
33.74,Kota Semarang,regency_city,kota,33,Jawa Tengah
35,Jawa Timur,province,provinsi,,
35.78,Kota Surabaya,regency_city,kota,35,Jawa Timur
35.07,Kabupaten Malang,regency_city,kabupaten,35,Jawa Timur
51,Bali,province,provinsi,,
51.71,Kota Denpasar,regency_city,kota,51,Bali
51.03,Kabupaten Badung,regency_city,kabupaten,51,Bali
64,Kalimantan Timur,province,provinsi,,
64.72,Kota Samarinda,regency_city,kota,64,Kalimantan Timur
73,Sulawesi Selatan,province,provinsi,,
73.71,Kota Makassar,regency_city,kota,73,Sulawesi Selatan
81,Maluku,province,provinsi,,
81.71,Kota Ambon,regency_city,kota,81,Maluku
94,Papua,province,provinsi,,
94.71,Kota Jayapura,regency_city,kota,94,Papua
94.03,Kabupaten Jayapura,regency_city,kabupaten,94,Papua
"""
REGION_ROWS = len(REGIONS_CSV.strip().splitlines()) - 1


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def settings(migrated_url: str) -> Settings:
    return Settings(database_url=migrated_url, internal_secret=SECRET)


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, session_factory):
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = session_factory
    return app


@pytest.fixture
def regions_csv() -> str:
    return REGIONS_CSV


@pytest.fixture
async def regions(client, as_role) -> None:
    """The small regions file, imported."""
    response = await client.post(
        "/api/v1/regions/import", content=REGIONS_CSV, headers={**as_role("operator"), "content-type": "text/csv"}
    )
    assert response.status_code == 200, response.text


def cohort_csv(count: int) -> str:
    """`count` made-up kabupaten/kota in provinces 14-19 (alternating kinds), for cohort-sized tests."""
    lines = ["code,name,level,kind,province_code,province_name"]
    for province in range(14, 20):
        lines.append(f"{province},Provinsi {province},province,provinsi,,")
    for i in range(count):
        province, n = 14 + i // 40, i % 40
        kind, number = ("kota", 71 + n // 2) if n % 2 else ("kabupaten", 1 + n // 2)
        lines.append(f"{province}.{number:02d},{kind.title()} {i},regency_city,{kind},{province},Provinsi {province}")
    return "\n".join(lines) + "\n"


def cohort_codes(count: int) -> list[str]:
    return [line.split(",")[0] for line in cohort_csv(count).splitlines()[7:]]


@pytest.fixture
def make_phase(client, as_role):
    async def make(code: str = "2018", quota: int = 50, **overrides) -> dict:
        today = date.today()
        body = {
            "code": code,
            "name": f"Tahap {code}",
            "year": 2018,
            "quota": quota,
            "registration_opens_on": str(today - timedelta(days=30)),
            "registration_closes_on": str(today + timedelta(days=30)),
            **overrides,
        }
        response = await client.post("/api/v1/phases", json=body, headers=as_role("operator"))
        assert response.status_code == 201, response.text
        return response.json()

    return make


CONTACT = {
    "role": "Kepala Dinas Kominfo",
    "name": "Budi Santoso",
    "email": "budi@bandung.go.id",
    "phone": "0812-3456-7890",
}


@pytest.fixture
def apply(client, as_role):
    async def do(region_code: str, phase_code: str = "2018", **headers_or_role) -> httpx.Response:
        headers = headers_or_role.get("headers") or as_role("operator")
        body = {"region_code": region_code, "phase_code": phase_code, "contacts": [CONTACT]}
        return await client.post("/api/v1/participants", json=body, headers=headers)

    return do


def scores(kind: str, base: int = 70, **overrides) -> dict:
    body = {
        "fiscal_capacity": base,
        "green_city_index": base,
        "government_performance_index": base,
        "sustainable_city_index": base if kind == "kota" else None,
        "infrastructure": base,
        "superstructure": base,
        "leadership_vision": base,
    }
    return {**body, **overrides}


@pytest.fixture
def assess(client, as_role):
    async def do(participant: dict, base: int = 70, **overrides) -> httpx.Response:
        return await client.put(
            f"/api/v1/participants/{participant['id']}/assessment",
            json=scores(participant["kind"], base, **overrides),
            headers=as_role("operator"),
        )

    return do


@pytest.fixture
async def cohort(client, as_role):
    """A function importing `count` made-up regions; returns their codes."""

    async def load(count: int) -> list[str]:
        response = await client.post(
            "/api/v1/regions/import",
            content=cohort_csv(count),
            headers={**as_role("operator"), "content-type": "text/csv"},
        )
        assert response.status_code == 200, response.text
        return cohort_codes(count)

    return load


@pytest.fixture
def contact() -> dict:
    return dict(CONTACT)


@pytest.fixture
def cohort_data():
    """(csv, codes) of `count` made-up regions, for tests that import them their own way."""
    return lambda count: (cohort_csv(count), cohort_codes(count))
