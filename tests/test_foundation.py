"""The foundation's slice, through the gateway with real processes."""

from __future__ import annotations

import time

import httpx
from smartcity_dev.platform import Platform

SMALL_CSV = """code,name,level,kind,province_code,province_name
32,Jawa Barat,province,provinsi,,
32.73,Kota Bandung,regency_city,kota,32,Jawa Barat
51,Bali,province,provinsi,,
51.71,Kota Denpasar,regency_city,kota,51,Bali
94,Papua,province,provinsi,,
94.71,Kota Jayapura,regency_city,kota,94,Papua
"""


def test_import_and_read_through_the_gateway(gateway: httpx.Client, bearer):
    response = gateway.post(
        "/api/v1/regions/import",
        content=SMALL_CSV,
        headers={**bearer("operator"), "content-type": "text/csv", "x-request-id": "e2e-import-1"},
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-request-id"] == "e2e-import-1"
    assert sum(response.json().values()) == 6
    region = gateway.get("/api/v1/regions/94.71", headers=bearer("partner")).json()
    assert (region["name"], region["time_zone"]) == ("Kota Jayapura", "Asia/Jayapura")


def test_full_list_through_the_gateway(gateway: httpx.Client, bearer, shared_regions_csv):
    body = shared_regions_csv.read_bytes()
    headers = {**bearer("operator"), "content-type": "text/csv"}
    first = gateway.post("/api/v1/regions/import", content=body, headers=headers).json()
    assert first["created"] + first["updated"] + first["unchanged"] == 552
    assert gateway.post("/api/v1/regions/import", content=body, headers=headers).json() == {
        "created": 0,
        "updated": 0,
        "unchanged": 552,
    }
    bad = body + b"32.99,Kabupaten Salah,regency_city,kabupaten,32,Jawa Barat\n"
    response = gateway.post("/api/v1/regions/import", content=bad, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "line 554.code",
            "code": "kabupaten_number",
            "message": "Kabupaten are numbered 01-69 within their province.",
        }
    ]


def test_no_credentials_is_401_with_www_authenticate(gateway: httpx.Client):
    response = gateway.get("/api/v1/regions")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert "Bearer" in response.headers["www-authenticate"]


def test_a_service_called_directly_without_the_gateway_credential_is_401(platform: Platform):
    response = httpx.get(
        platform.url("participants") + "/api/v1/regions",
        headers={"x-smartcity-identity": "forged", "x-request-id": "direct"},
    )
    assert response.status_code == 401
    assert response.headers["x-request-id"] == "direct"


def test_a_dead_service_gives_503_and_heals_without_restarting_the_gateway(platform: Platform, gateway, bearer):
    headers = bearer("partner")
    assert gateway.get("/api/v1/regions?limit=1", headers=headers).status_code == 200
    platform.stop("participants")
    try:
        started = time.monotonic()
        response = gateway.get("/api/v1/regions?limit=1", headers=headers)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"]
        assert time.monotonic() - started < 5
        assert gateway.get("/readyz").status_code == 503
    finally:
        platform.start("participants")
        platform.wait_ready(60, name="participants")
    assert gateway.get("/api/v1/regions?limit=1", headers=headers).status_code == 200
    assert gateway.get("/readyz").status_code == 200
