"""The real `mentoring-serve` process, killed (SIGKILL) while a batch of the feed is open, then started again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa
from smartcity_dev.platform import free_port

SERVE = Path(sys.executable).parent / "mentoring-serve"


async def wait_for(condition, timeout: float = 120.0) -> None:
    """Generous: on a loaded 2-core machine a process may take long to start; only a hang fails."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise TimeoutError("the condition did not hold in time")
        await asyncio.sleep(0.05)


async def test_killed_mid_batch_then_restarted_ends_with_exactly_fifty(
    settings, upstream, upstream_url, engine, committed
):
    for i in range(50):
        pid = str(uuid.uuid4())
        region = f"{61 + i % 5}.{71 + i % 10:02d}"
        upstream.status_changed(pid, region, "2018", "assessed", "selected")
        upstream.status_changed(pid, region, "2018", "selected", "mou_signed")
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SMARTCITY_INTERNAL_SECRET": settings.internal_secret,
        "MENTORING_PARTICIPANTS_URL": upstream_url,
        "MENTORING_DOCUMENTS_URL": upstream_url,
        "MENTORING_FEED_BATCH": "20",
        "MENTORING_FEED_INTERVAL": "0.05",
        "MENTORING_LOG_LEVEL": "WARNING",
    }

    async def tracks() -> int:
        async with engine.connect() as conn:
            return (await conn.execute(sa.text("SELECT count(*) FROM mentoring.tracks"))).scalar_one()

    async def feed_calls_reach(n: int):
        async def check() -> bool:
            return upstream.feed_calls >= n

        return check

    upstream.hold_feed_after = 2  # two batches (10 MoUs each) commit; the third hangs in its fetch, the feed lock held
    first = subprocess.Popen([str(SERVE)], env={**env, "MENTORING_PORT": str(free_port())})
    try:
        await wait_for(await feed_calls_reach(3))
        assert await tracks() == 20
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()

    upstream.hold_feed_after = None
    second = subprocess.Popen([str(SERVE)], env={**env, "MENTORING_PORT": str(free_port())})
    try:

        async def all_open() -> bool:
            return await tracks() >= 50

        await wait_for(all_open)
        calls = upstream.feed_calls
        await wait_for(await feed_calls_reach(calls + 2))  # it keeps polling and finds nothing new
    finally:
        second.send_signal(signal.SIGTERM)
        try:
            second.wait(25)
        except subprocess.TimeoutExpired:  # left running, it would consume the next test's feed
            second.kill()
            second.wait()
            raise
    assert second.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal after a clean shutdown
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                sa.text(
                    "SELECT count(*), count(DISTINCT participant_id),"
                    " (SELECT count(*) FROM mentoring.events WHERE type = 'track.opened') FROM mentoring.tracks"
                )
            )
        ).one()
    assert tuple(row) == (50, 50, 50)
