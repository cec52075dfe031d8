"""Faults under a running platform: PostgreSQL restarted, a service killed mid-flow, a client gone mid-upload.

The first two run a platform of their own, so that what they break no other test sees.
"""

from __future__ import annotations

import signal
import socket
import struct
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from smartcity_dev.samples import pdf_bytes, synthetic_regions_csv
from smartcity_dev.testing import wait_until


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
    wait_until(lambda: api.get("/readyz").status_code == 200, 60, "ready again after PostgreSQL came back")
    assert api.get("/api/v1/regions/32.71", headers=ops).json()["code"] == "32.71"
    assert api.get("/api/v1/mentors", params={"limit": 100}, headers=ops).json()["items"] == []
    assert api.get("/api/v1/documents", headers=ops).json()["items"] == []
    # the upload that failed left no bytes behind
    assert storage_files(platform.root) == files_before
    created = api.post("/api/v1/mentors", json=mentor, headers=ops)
    assert created.status_code == 201, created.text


def _select_regions(api: httpx.Client, ops: dict[str, str], phase: str, codes: list[str]) -> list[str]:
    """Apply, assess and select the regions; returns the participant ids."""
    today = date.today()
    created = api.post(
        "/api/v1/phases",
        json={
            "code": phase,
            "name": f"Tahap {phase}",
            "year": today.year,
            "quota": len(codes),
            "registration_opens_on": str(today - timedelta(days=1)),
            "registration_closes_on": str(today + timedelta(days=1)),
        },
        headers=ops,
    )
    assert created.status_code == 201, created.text
    ids = []
    for n, code in enumerate(codes):
        applied = api.post(
            "/api/v1/participants",
            json={
                "region_code": code,
                "phase_code": phase,
                "contacts": [
                    {
                        "role": "coordinator",
                        "name": "Koordinator",
                        "email": f"k{n}@example.go.id",
                        "phone": "081234567890",
                    }
                ],
            },
            headers=ops,
        )
        assert applied.status_code == 201, applied.text
        pid = applied.json()["id"]
        scores = dict.fromkeys(
            (
                "fiscal_capacity",
                "green_city_index",
                "government_performance_index",
                "infrastructure",
                "superstructure",
                "leadership_vision",
            ),
            60 + n,
        )
        scores["sustainable_city_index"] = 60 + n if code[3] == "7" else None
        assert api.put(f"/api/v1/participants/{pid}/assessment", json=scores, headers=ops).status_code == 200
        ids.append(pid)
    selection = api.post(f"/api/v1/phases/{phase}/selection", json={"dry_run": False}, headers=ops)
    assert selection.status_code == 200, selection.text
    return ids


def test_a_service_killed_mid_flow_loses_nothing(own_platform, new_database, auth_for):
    platform = own_platform(new_database())
    ops = auth_for(platform)("operator")
    api = httpx.Client(base_url=platform.url(), timeout=30)
    imported = api.post(
        "/api/v1/regions/import", content=synthetic_regions_csv(), headers={**ops, "content-type": "text/csv"}
    )
    assert imported.status_code == 200, imported.text
    codes = [f"{p}.{n:02d}" for p in ("32", "33", "35") for n in range(1, 7)] + ["51.71", "73.71"]
    ids = _select_regions(api, ops, "FAULT", codes)

    signing = {
        "signed_on": str(date.today()),
        "venue": "Jakarta",
        "signatures": [
            {"participant_id": pid, "signatory_name": "Kepala Daerah", "signatory_title": "Bupati"} for pid in ids
        ],
    }
    signed = api.post("/api/v1/phases/FAULT/mou-signings", json=signing, headers=ops)
    assert signed.status_code == 201, signed.text
    # the mentoring service dies hard, before or while it reads the 20 mou_signed events
    platform.stop("mentoring", sig=signal.SIGKILL)
    down = api.get("/api/v1/tracks", headers=ops)
    assert down.status_code == 503
    assert down.headers["content-type"] == "application/problem+json"
    assert api.get("/readyz").status_code == 503

    platform.start("mentoring")
    platform.wait_ready(60, name="mentoring")

    def tracks() -> list[dict]:
        response = api.get("/api/v1/tracks", params={"phase_code": "FAULT", "limit": 100}, headers=ops)
        return response.json()["items"] if response.status_code == 200 else []

    opened = wait_until(lambda: len(t := tracks()) >= len(ids) and t, 90, "every track opened after the restart")
    assert sorted(t["participant_id"] for t in opened) == sorted(ids)  # none lost, none twice

    def counts() -> dict:
        return api.get("/api/v1/phases/FAULT", headers=ops).json()["counts"]

    wait_until(lambda: counts().get("mentoring") == len(ids), 90, "every participant mentoring")
    assert tracks() == opened


def test_a_client_gone_mid_upload_through_the_gateway_leaves_nothing(platform, bearer):
    """The gateway drops its upstream request when the client vanishes; the service keeps no row, no bytes."""
    storage = platform.root / ".data" / "documents"
    before = {p for p in storage.rglob("*") if p.is_file()}
    title = f"putus-{uuid.uuid4().hex[:8]}"
    boundary = "faultboundary"
    file = pdf_bytes("cut off") + b"%" * (4 * 1024 * 1024)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="region_code"\r\n\r\n32.73\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nreadiness_report\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="laporan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + file
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {
        **bearer("region", "32.73"),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Content-Length": str(len(body)),
        "Host": "127.0.0.1",
    }
    head = "POST /api/v1/documents HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", platform.ports["gateway"])) as sock:
        sock.sendall(head.encode() + body[: len(body) // 2])
        temp = storage / "tmp"
        wait_until(lambda: any(p.is_file() for p in temp.rglob("*")), 90, "the service writing a temporary object")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # vanish with a reset
    wait_until(lambda: {p for p in storage.rglob("*") if p.is_file()} == before, 90, "the temporary object removed")
    listed = httpx.get(
        platform.url() + "/api/v1/documents", params={"q": title}, headers=bearer("operator"), timeout=30
    ).json()
    assert listed["items"] == []
