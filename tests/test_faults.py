"""Faults under a running platform: PostgreSQL restarted, a service killed mid-flow.

Each test runs a platform of its own, so that what it breaks no other test sees.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from smartcity_dev.samples import pdf_bytes, synthetic_regions_csv, wait_for


@pytest.fixture(scope="module")
def restartable_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A PostgreSQL of this module's own (pgserver), which the test may stop and start."""
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("restartable") / "pg", cleanup_mode="stop")
    server.psql("CREATE DATABASE platform;")
    yield server
    del server


def _stop(server) -> None:
    from pgserver import pg_ctl

    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def _start(server) -> None:
    server.ensure_postgres_running()


def storage_files(root: Path) -> list[Path]:
    return [p for p in (root / ".data" / "documents").rglob("*") if p.is_file()]


def test_postgresql_restarted_under_the_platform(restartable_postgres, own_platform, auth_for):
    server = restartable_postgres
    platform = own_platform(server.get_uri("platform"))
    auth = auth_for(platform)
    ops, region = auth("operator"), auth("region", "32.71")
    api = httpx.Client(base_url=platform.url(), timeout=30)
    csv = synthetic_regions_csv()
    imported = api.post("/api/v1/regions/import", content=csv, headers={**ops, "content-type": "text/csv"})
    assert imported.status_code == 200, imported.text
    files_before = storage_files(platform.root)

    _stop(server)
    try:
        # every service answers 503 problem+json with Retry-After; nothing hangs, nothing is half-written
        for path in ("/api/v1/regions/32.71", "/api/v1/mentors", "/api/v1/documents"):
            response = api.get(path, headers=ops)
            assert response.status_code == 503, (path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"]
        mentor = {
            "name": "Dr. Outage",
            "email": f"outage.{uuid.uuid4().hex[:6]}@example.ac.id",
            "organization": "ITB",
            "expertise": ["governance"],
            "max_tracks": 3,
        }
        assert api.post("/api/v1/mentors", json=mentor, headers=ops).status_code == 503
        upload = api.post(
            "/api/v1/documents",
            data={"region_code": "32.71", "kind": "readiness_report", "title": "Saat gangguan"},
            files={"file": ("laporan.pdf", pdf_bytes("outage") * 20, "application/pdf")},
            headers=region,
        )
        assert upload.status_code == 503, upload.text
        assert api.get("/readyz").status_code == 503
    finally:
        _start(server)

    # the pools heal by themselves: no service is restarted
    wait_for(lambda: api.get("/readyz").status_code == 200, 60, "ready again after PostgreSQL came back")
    assert api.get("/api/v1/regions/32.71", headers=ops).json()["code"] == "32.71"
    assert api.get("/api/v1/mentors", params={"limit": 100}, headers=ops).json()["items"] == []
    assert api.get("/api/v1/documents", headers=ops).json()["items"] == []
    # the upload that failed left no bytes behind
    assert storage_files(platform.root) == files_before
    created = api.post("/api/v1/mentors", json=mentor, headers=ops)
    assert created.status_code == 201, created.text
