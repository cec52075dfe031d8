"""The real `reports-serve` process, killed (SIGKILL) while a feed batch is open, then started again:
the figures equal those of a consumer that never stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from smartcity_dev.platform import free_port

SERVE = Path(sys.executable).parent / "reports-serve"


async def wait_for(condition, timeout: float = 120.0) -> None:
    """Generous: on a loaded 2-core machine a process may take long to start; only a hang fails."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await condition():
        if loop.time() > deadline:
            raise TimeoutError("the condition did not hold in time")
        await asyncio.sleep(0.05)


async def test_killed_mid_batch_then_restarted_counts_every_event_once(
    feeds, catch_up, client, as_role, settings, engine
):
    for i in range(60):
        region = f"{(32, 73, 91)[i % 3]}.{71 + i % 20:02d}"
        pid = feeds.walk(region, "2027", "applied", "assessed", "selected", "mou_signed", "mentoring")
        feeds.track(pid, region, "2027", *(("bimtek_2",) if i % 2 else ()))
    # what a consumer that never stopped counts: the expected figures
    await catch_up()
    expected = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    from reports.rebuild import reset

    await reset(engine)
    feeds.calls = 0
    env = {
        **os.environ,
        "REPORTS_DATABASE_URL": settings.database_url,
        "SMARTCITY_INTERNAL_SECRET": settings.internal_secret,
        "REPORTS_PARTICIPANTS_URL": settings.participants_url,
        "REPORTS_MENTORING_URL": settings.mentoring_url,
        "REPORTS_DOCUMENTS_URL": "",
        "REPORTS_MONITORING_URL": "",
        "REPORTS_FEED_BATCH": "25",
        "REPORTS_FEED_INTERVAL": "0.05",
        "REPORTS_LOG_LEVEL": "WARNING",
    }

    async def participants_applied() -> int:
        async with engine.connect() as conn:
            return (await conn.execute(sa.text("SELECT count(*) FROM reports.participants"))).scalar_one()

    async def calls_reach(n: int):
        async def check() -> bool:
            return feeds.calls >= n

        return check

    feeds.hold_after = 3  # three batches commit; the fourth hangs with its transaction open
    first = subprocess.Popen([str(SERVE)], env={**env, "REPORTS_PORT": str(free_port())})
    try:
        await wait_for(await calls_reach(4))
        before_kill = await participants_applied()
        assert 0 < before_kill < 60
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    feeds.hold_after = None
    second = subprocess.Popen([str(SERVE)], env={**env, "REPORTS_PORT": str(free_port())})
    try:

        async def caught_up() -> bool:
            async with engine.connect() as conn:
                cursors = dict((await conn.execute(sa.text("SELECT feed, cursor FROM reports.consumer_cursors"))).all())
            return cursors == {
                "participants": str(len(feeds.events["participants"])),
                "mentoring": str(len(feeds.events["mentoring"])),
            }

        await wait_for(caught_up)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(25)
    assert second.returncode in (0, -signal.SIGTERM)
    assert (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json() == expected
    assert expected["summary"]["participants"] == 60 and expected["summary"]["tracks_opened"] == 60
