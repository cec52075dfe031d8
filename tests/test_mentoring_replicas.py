"""Two mentoring processes against one database while 50 MoUs reach the participants feed: exactly 50 tracks.

Both replicas read the same feed; they take turns on each batch under an advisory lock and
apply it together with the cursor in one transaction, so no event is applied twice and none is
lost, even when one replica is stopped (SIGTERM) in the middle: what it had not committed stays
in the outbox for the other.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from smartcity_dev.platform import Platform, free_port
from smartcity_dev.samples import synthetic_regions_csv
from smartcity_dev.testing import wait_until
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.pagination import decode_cursor

REPLICAS = ("mentoring-a", "mentoring-b")


def query(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return asyncio.run(run())


@pytest.fixture
def replicas(new_database: Callable[[], str], tmp_path: Path) -> Iterator[tuple[Platform, dict[str, int]]]:
    (tmp_path / ".data").mkdir()
    platform = Platform(
        database_url=new_database(),
        root=tmp_path,
        log_dir=tmp_path / "logs",
        services=["participants", "mentoring"],
    )
    platform.ports = {name: free_port() for name in ("participants", "mentoring", "documents", "gateway")}
    # small batches, polled often: the two replicas take turns on the feed
    platform.env.update({"MENTORING_FEED_BATCH": "5", "MENTORING_FEED_INTERVAL": "0.05"})
    ports = {name: free_port() for name in REPLICAS}
    try:
        platform.migrate()
        platform.start("participants")
        platform.wait_ready(name="participants")
        for name, port in ports.items():
            platform.start("mentoring", replica=name, port=port)
            platform.wait_ready(url=f"http://127.0.0.1:{port}")
        yield platform, ports
    except BaseException:
        for log in sorted((tmp_path / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        raise
    finally:
        platform.stop_all()


def sign_fifty_mous(platform: Platform) -> list[str]:
    """One signing day of 50 MoUs through the participants service's own API (called as an operator).

    The signing writes its 50 `participant.status_changed` events to the outbox in one transaction.
    """
    token = sign_identity(Caller(subject="ops@kominfo.go.id", role="operator"), platform.internal_secret, ttl=600)
    today = date.today()
    with httpx.Client(
        base_url=platform.url("participants"), headers={"x-smartcity-identity": token}, timeout=60
    ) as api:

        def ok(response: httpx.Response, status: int = 200) -> dict:
            assert response.status_code == status, response.text
            return response.json()

        ok(api.post("/api/v1/regions/import", content=synthetic_regions_csv(), headers={"content-type": "text/csv"}))
        # the service reads the window in the region's time zone: from 17:00 UTC it is already tomorrow in Jakarta
        window = {
            "registration_opens_on": str(today - timedelta(days=1)),
            "registration_closes_on": str(today + timedelta(days=1)),
        }
        ok(
            api.post(
                "/api/v1/phases", json={"code": "2018", "name": "Tahap 2018", "year": 2018, "quota": 50, **window}
            ),
            201,
        )
        regions = ok(api.get("/api/v1/regions", params={"level": "regency_city", "limit": 50}))["items"]
        ids = []
        for n, region in enumerate(regions):
            contact = {
                "role": "Kepala Diskominfo",
                "name": "Budi",
                "email": f"k{n}@example.go.id",
                "phone": "081234567890",
            }
            body = {"region_code": region["code"], "phase_code": "2018", "contacts": [contact]}
            pid = ok(api.post("/api/v1/participants", json=body), 201)["id"]
            scores = dict.fromkeys(("fiscal_capacity", "green_city_index", "government_performance_index"), 70)
            scores |= dict.fromkeys(("infrastructure", "superstructure", "leadership_vision"), 70)
            scores["sustainable_city_index"] = 70 if region["kind"] == "kota" else None
            ok(api.put(f"/api/v1/participants/{pid}/assessment", json=scores))
            ids.append(pid)
        assert ok(api.post("/api/v1/phases/2018/selection", json={"dry_run": False}))["selected"] == 50
        signatures = [
            {"participant_id": pid, "signatory_name": "Kepala Daerah", "signatory_title": "Bupati"} for pid in ids
        ]
        signing = {"signed_on": str(today), "venue": "Jakarta", "signatures": signatures}
        ok(api.post("/api/v1/phases/2018/mou-signings", json=signing), 201)
    return ids


def test_two_replicas_open_exactly_fifty_tracks_even_when_one_stops_midway(replicas):
    platform, _ = replicas
    url = platform.database_url
    ids = sign_fifty_mous(platform)

    def tracks() -> int:
        return query(url, "SELECT count(*) FROM mentoring.tracks")[0][0]

    wait_until(lambda: tracks() >= 20)  # both replicas have been taking batches
    stopping = platform.processes["mentoring-a"]
    stopping.send_signal(signal.SIGTERM)
    assert stopping.wait(60) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after a clean shutdown

    (last_event,) = query(url, "SELECT max(id) FROM participants.events")[0]

    def caught_up() -> bool:
        rows = query(url, "SELECT cursor FROM mentoring.consumer_cursors WHERE feed = 'participants'")
        return bool(rows and rows[0][0]) and decode_cursor(rows[0][0], 2)[1] == last_event

    wait_until(caught_up)
    row = query(
        url,
        "SELECT count(*), count(DISTINCT participant_id),"
        " (SELECT count(*) FROM mentoring.events WHERE type = 'track.opened') FROM mentoring.tracks",
    )[0]
    assert tuple(row) == (50, 50, 50)
    opened = {str(r[0]) for r in query(url, "SELECT participant_id FROM mentoring.tracks")}
    assert opened == set(ids)
    assert platform.processes["mentoring-b"].poll() is None
