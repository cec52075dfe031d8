"""`reports-rebuild` gives the live figures again; replicas reading the same feeds at once count each event once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import httpx
from reports.projections.feeds import consumers
from reports.rebuild import rebuild
from smartcity_kit.db import make_sessionmaker

REBUILD = Path(sys.executable).parent / "reports-rebuild"


def programme(feeds, regions: int = 40) -> None:
    for i in range(regions):
        region = f"{(11, 32, 35, 63, 73, 91)[i % 6]}.{71 + i % 25:02d}"
        steps = ("applied", "assessed", "selected", "mou_signed", "mentoring", "completed")[: 1 + i % 6]
        pid = feeds.walk(region, f"20{27 + i % 2}", *steps)
        if i % 6 >= 4:
            feeds.track(pid, region, f"20{27 + i % 2}", *(("bimtek_2", "bimtek_3", "bimtek_4", "completed")[: i % 5]))
        feeds.statistics(region, 100_000 + i)
    feeds.add(
        "documents",
        "document.created",
        "documents/1",
        {"document_id": "7d0c3c55-4c1a-4c4e-9e43-0d7c0e5e1a01", "region_code": "32.71", "kind": "mou", "version": 1},
    )


async def test_rebuild_equals_the_live_projections(feeds, catch_up, client, as_role, settings):
    programme(feeds)
    await catch_up()
    ops = as_role("operator")
    live = [(await client.get(f"/api/v1/reports/overview{q}", headers=ops)).json() for q in ("", "?phase_code=2028")]
    applied = await rebuild(settings)
    assert applied == {
        "participants": len(feeds.events["participants"]),
        "mentoring": len(feeds.events["mentoring"]),
        "documents": 1,
        "monitoring": 0,
    }
    again = [(await client.get(f"/api/v1/reports/overview{q}", headers=ops)).json() for q in ("", "?phase_code=2028")]
    assert again == live
    assert live[0]["summary"]["participants"] == 40


async def test_the_rebuild_command_replays_every_feed(feeds, catch_up, client, as_role, settings):
    programme(feeds, regions=12)
    await catch_up()
    live = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    env = {
        **os.environ,
        "REPORTS_DATABASE_URL": settings.database_url,
        "SMARTCITY_INTERNAL_SECRET": settings.internal_secret,
        "REPORTS_PARTICIPANTS_URL": settings.participants_url,
        "REPORTS_MENTORING_URL": settings.mentoring_url,
        "REPORTS_DOCUMENTS_URL": settings.documents_url,
        "REPORTS_MONITORING_URL": settings.monitoring_url,
    }
    done = await asyncio.to_thread(subprocess.run, [str(REBUILD)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"participants: {len(feeds.events['participants'])} events" in done.stderr
    assert (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json() == live


async def test_three_replicas_at_once_count_every_event_once(feeds, catch_up, client, as_role, settings, engine):
    programme(feeds)
    await catch_up()
    expected = (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json()
    from reports.rebuild import reset

    await reset(engine)

    async def replica() -> int:
        applied = 0
        async with httpx.AsyncClient(timeout=10) as http:
            mine = consumers(settings, make_sessionmaker(engine), http)
            for _ in range(400):
                batch = await asyncio.gather(*(c.run_once() for c in mine))
                applied += sum(batch)
                if not any(batch) and await caught_up():
                    return applied
                await asyncio.sleep(0)
        return applied

    async def caught_up() -> bool:
        async with engine.connect() as conn:
            rows = (await conn.exec_driver_sql("SELECT feed, cursor FROM reports.consumer_cursors")).all()
        return {feed: int(cursor or 0) for feed, cursor in rows} == {f: len(e) for f, e in feeds.events.items()}

    counts = await asyncio.gather(replica(), replica(), replica())
    assert sum(counts) == sum(len(e) for e in feeds.events.values())
    assert (await client.get("/api/v1/reports/overview", headers=as_role("operator"))).json() == expected
