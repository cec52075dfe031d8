"""Two mentoring processes against one database while 50 MoUs reach the participants feed: exactly 50 tracks.

Both replicas read the same feed; each batch is taken under `FOR UPDATE SKIP LOCKED` together
with the cursor, so no event is applied twice and none is lost, even when one replica is stopped
(SIGTERM) in the middle: what it had not committed stays in the outbox for the other.
"""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from smartcity_dev.platform import Platform, free_port
from smartcity_dev.testing import wait_until
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


def sign_fifty_mous(database_url: str) -> list[str]:
    """Fifty `participant.status_changed` to `mou_signed` events, committed in one transaction.

    The participants service's own phases, applications and MoU signings are being built on
    another branch; until they land, the events are written straight into its outbox, exactly as
    `POST /api/v1/phases/{code}/mou-signings` will write them (one transaction for the signing).
    TODO(lead): switch to that endpoint through the gateway once it exists.
    """
    ids = [str(uuid.uuid4()) for _ in range(50)]
    rows = []
    for i, participant_id in enumerate(ids):
        region = f"{31 + i % 5}.{71 + i % 10:02d}"
        data = {
            "participant_id": participant_id,
            "region_code": region,
            "phase_code": "2018",
            "from": "selected",
            "to": "mou_signed",
            "reason": None,
            "actor": "operator@kominfo.go.id",
            "time_zone": "Asia/Jakarta",
        }
        rows.append(("participant.status_changed", f"participants/{participant_id}", json.dumps(data)))

    async def run() -> None:
        conn = await asyncpg.connect(database_url)
        try:
            async with conn.transaction():
                await conn.executemany(
                    "INSERT INTO participants.events (type, subject, data) VALUES ($1, $2, $3::jsonb)", rows
                )
        finally:
            await conn.close()

    asyncio.run(run())
    return ids


def test_two_replicas_open_exactly_fifty_tracks_even_when_one_stops_midway(replicas):
    platform, _ = replicas
    url = platform.database_url
    ids = sign_fifty_mous(url)

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
