"""How fast the mentoring service opens tracks from a participants feed.

Serves N `mou_signed` events from a stand-in participants feed (uvicorn, real
HTTP), then times one `FeedConsumer` draining it into a fresh database.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/mentoring_feed.py --events 2000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import threading
import time
import uuid
from datetime import UTC, datetime

import asyncpg
import httpx
import uvicorn
from fastapi import FastAPI
from mentoring.migrate import MIGRATIONS
from mentoring.tracks.consumer import participants_consumer
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.migrations import upgrade

SECRET = "bench-secret-of-at-least-32-characters!"


def feed_app(events: list[dict]) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/events/participants")
    async def feed(after: str | None = None, limit: int = 100):
        start = int(after) if after else 0
        items = events[start : start + limit]
        return {"items": items, "next_cursor": str(start + len(items)) if items else after}

    return app


def mou_events(n: int) -> list[dict]:
    now = datetime.now(UTC).isoformat()
    out = []
    for i in range(n):
        pid = str(uuid.uuid4())
        out.append(
            {
                "id": i + 1,
                "type": "participant.status_changed",
                "occurred_at": now,
                "subject": f"participants/{pid}",
                "data": {
                    "participant_id": pid,
                    "region_code": f"{32 + i % 4}.{71 + i % 20:02d}",
                    "phase_code": "bench",
                    "from": "selected",
                    "to": "mou_signed",
                    "reason": None,
                    "actor": "bench",
                    "time_zone": "Asia/Jakarta",
                },
            }
        )
    return out


async def main(n: int, batch: int) -> None:
    server_url = os.environ["DATABASE_URL"]
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = server_url.rsplit("/", 1)[0] + "/" + name
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(feed_app(mou_events(n)), port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        await asyncio.to_thread(upgrade, MIGRATIONS, url)
        while not server.started:
            await asyncio.sleep(0.01)
        engine = create_engine(url)
        async with httpx.AsyncClient(timeout=30) as client:
            consumer = participants_consumer(
                participants_url=f"http://127.0.0.1:{port}",
                sessionmaker=make_sessionmaker(engine),
                client=client,
                secret=SECRET,
                batch=batch,
            )
            started = time.perf_counter()
            total = 0
            while (applied := await consumer.run_once()) > 0:
                total += applied
            elapsed = time.perf_counter() - started
        async with engine.connect() as conn:
            tracks = (await conn.exec_driver_sql("SELECT count(*) FROM mentoring.tracks")).scalar_one()
        await engine.dispose()
        rate = tracks / elapsed
        print(f"{total} events, {tracks} tracks opened in {elapsed:.2f} s ({rate:.0f} tracks/s, batch {batch})")
    finally:
        server.should_exit = True
        thread.join(10)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.batch))
