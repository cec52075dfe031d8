"""The monitoring service killed in the middle of an import keeps nothing of it, and the import then succeeds whole.

An official index's year arrives as one CSV; its values and their events are written in one transaction. The
test holds the service's events table locked, so the import stops between its values and its events, provably
mid-transaction; it then kills the process with SIGKILL, lets the lock go and looks at what was stored.
"""

from __future__ import annotations

import asyncio
import signal
import threading
import uuid

import asyncpg
import httpx
from smartcity_dev.platform import Platform
from smartcity_dev.testing import wait_until

M = "/api/v1/monitoring"


def stored(database_url: str, year: int) -> tuple[int, int]:
    """(values, events) of the green city index for `year` in monitoring's own tables."""

    async def count() -> tuple[int, int]:
        conn = await asyncpg.connect(database_url)
        try:
            values = await conn.fetchval(
                "SELECT count(*) FROM monitoring.official_values WHERE index = 'green_city_index' AND year = $1", year
            )
            events = await conn.fetchval(
                "SELECT count(*) FROM monitoring.events WHERE subject LIKE $1",
                f"official-indices/green_city_index/{year}/%",
            )
            return values, events
        finally:
            await conn.close()

    return asyncio.run(count())


def test_monitoring_killed_mid_import_keeps_nothing_and_the_retry_stores_it_whole(platform: Platform, auth_for):
    ops = auth_for(platform)("operator")
    api = httpx.Client(base_url=platform.url(), timeout=30)
    created = api.post(
        "/api/v1/api-keys",
        json={"name": f"PUPR {uuid.uuid4().hex[:6]}", "role": "partner", "organization": "pupr"},
        headers=ops,
    )
    assert created.status_code == 201, created.text
    key = {"X-API-Key": created.json()["key"], "content-type": "text/csv"}
    year = 2040 + uuid.uuid4().int % 60
    codes = [f"{p}.{n:02d}" for p in (32, 33, 35) for n in range(1, 41)]
    csv = ("region_code,value\n" + "".join(f"{c},{50 + i % 40}.5\n" for i, c in enumerate(codes))).encode()

    answers: list[httpx.Response | Exception] = []

    async def import_while_locked() -> None:
        locker = await asyncpg.connect(platform.database_url)
        watcher = await asyncpg.connect(platform.database_url)  # pg_stat_activity is read once per transaction
        try:
            async with locker.transaction():
                # reads go on (feeds, health); the import's INSERT into the events table waits here
                await locker.execute("LOCK TABLE monitoring.events IN EXCLUSIVE MODE")

                def send() -> None:
                    try:
                        answers.append(
                            api.put(f"{M}/official-indices/green_city_index/{year}", content=csv, headers=key)
                        )
                    except httpx.HTTPError as exc:
                        answers.append(exc)

                sender = threading.Thread(target=send)
                sender.start()
                waiting = 0
                for _ in range(300):
                    waiting = await watcher.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query ILIKE 'INSERT INTO monitoring.events%'"
                    )
                    if waiting:
                        break
                    await asyncio.sleep(0.1)
                assert waiting == 1, f"the import never reached the events table: {answers}"
                platform.stop("monitoring", sig=signal.SIGKILL)
                await asyncio.to_thread(sender.join, 30)
        finally:
            await watcher.close()
            await locker.close()

    try:
        asyncio.run(import_while_locked())
        # the caller learns the import failed: the gateway lost its upstream mid-request
        assert len(answers) == 1
        answer = answers[0]
        assert isinstance(answer, httpx.Response) and answer.status_code in (502, 503), answer
        assert answer.headers["content-type"] == "application/problem+json"
        # PostgreSQL rolled the dead connection's transaction back: not one value, not one event
        wait_until(lambda: stored(platform.database_url, year) == (0, 0), 30, "the killed import rolled back")
    finally:
        platform.start("monitoring")
        platform.wait_ready(60, name="monitoring")

    retried = api.put(f"{M}/official-indices/green_city_index/{year}", content=csv, headers=key)
    assert retried.status_code == 200, retried.text
    assert (retried.json()["received"], retried.json()["changed"]) == (len(codes), len(codes))
    assert stored(platform.database_url, year) == (len(codes), len(codes))
