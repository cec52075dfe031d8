"""Reports tests: one migrated database per session; the feeds the service reads are stood in for by a
tiny FastAPI app served over real HTTP (uvicorn on a free port) speaking the kit's feed convention:
`GET /api/v1/events/{service}?after=&limit=`, only for an identity signed as role `service`.

The projections are written by the real consumers (each batch commits), so every test starts from empty
tables and empties them again at its end.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from reports.main import create_app
from reports.migrate import MIGRATIONS
from reports.models import PROJECTIONS
from reports.projections.feeds import consumers
from reports.settings import Settings
from smartcity_dev.testing import served
from smartcity_kit.db import make_sessionmaker
from smartcity_kit.identity import verify_identity
from smartcity_kit.migrations import upgrade
from sqlalchemy.ext.asyncio import AsyncEngine

SECRET = "reports-test-secret-of-32-characters-or-more"
T0 = datetime(2027, 1, 11, 2, 0, tzinfo=UTC)  # 09:00 WIB


class Feeds:
    """The events each stand-in service has recorded; tests append to them."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {
            "participants": [],
            "mentoring": [],
            "documents": [],
            "monitoring": [],
        }
        self.calls = 0
        # when set, feed requests after this many hang until it is cleared (a consumer caught mid-batch)
        self.hold_after: int | None = None

    def add(self, feed: str, type_: str, subject: str, data: dict[str, Any], at: datetime | None = None) -> None:
        events = self.events[feed]
        events.append(
            {
                "id": len(events) + 1,
                "type": type_,
                "occurred_at": (at or T0 + timedelta(minutes=len(events))).isoformat(),
                "subject": subject,
                "data": data,
            }
        )

    def status(self, participant_id: str, region: str, phase: str, frm: str | None, to: str, **kw: Any) -> None:
        data = {
            "participant_id": participant_id,
            "region_code": region,
            "phase_code": phase,
            "time_zone": kw.pop("time_zone", None),
            "from": frm,
            "to": to,
            "actor": "operator:ops@test",
            "reason": None,
        }
        self.add("participants", "participant.status_changed", f"participants/{participant_id}", data, **kw)

    def walk(self, region: str, phase: str, *steps: str, **kw: Any) -> str:
        """One participant through `steps` (e.g. applied, assessed, selected); returns its id."""
        pid = str(uuid.uuid4())
        previous = None
        for step in steps:
            self.status(pid, region, phase, previous, step, **kw)
            previous = step
        return pid

    def track_facts(self, track_id: str) -> dict[str, str]:
        opened = next(
            e for e in self.events["mentoring"] if e["type"] == "track.opened" and e["data"]["track_id"] == track_id
        )
        return {k: opened["data"][k] for k in ("track_id", "participant_id", "region_code", "phase_code")}

    def track(self, participant_id: str, region: str, phase: str, *moves: str) -> str:
        """A track opened for the participant, then each move: a stage code, `completed` or `withdrawn`."""
        tid = str(uuid.uuid4())
        base = {"track_id": tid, "participant_id": participant_id}
        self.add("mentoring", "track.opened", f"tracks/{tid}", {**base, "region_code": region, "phase_code": phase})
        stage = "bimtek_1"
        for move in moves:
            if move in ("completed", "withdrawn"):
                self.add("mentoring", f"track.{move}", f"tracks/{tid}", base)
            else:
                self.add("mentoring", "track.stage_advanced", f"tracks/{tid}", {**base, "from": stage, "to": move})
                stage = move
        return tid

    def on_track(self, type_: str, track: dict[str, str], subject: str, at: datetime | None = None, **data: Any):
        """A mentoring event about a track (every one names track, participant, region and phase)."""
        self.add("mentoring", type_, subject, {**track, **data}, at=at)

    def statistics(self, code: str, population: int, area: float = 100.0) -> None:
        male = population // 2
        data = {
            "code": code,
            "population_male": male,
            "population_female": population - male,
            "population": population,
            "area_km2": area,
        }
        self.add("participants", "region.statistics_updated", f"regions/{code}", data)


def feeds_app(state: Feeds) -> FastAPI:
    app = FastAPI()

    @app.get("/api/v1/events/{service}")
    async def feed(service: str, request: Request, after: str | None = None, limit: int = Query(50, ge=1, le=500)):
        try:
            caller = verify_identity(request.headers.get("x-smartcity-identity", ""), SECRET)
        except Exception:
            return JSONResponse({"status": 401, "title": "Unauthorized"}, status_code=401)
        if caller.role != "service" or service not in state.events:
            return JSONResponse({"status": 403, "title": "Forbidden"}, status_code=403)
        state.calls += 1
        deadline = time.monotonic() + 30
        while state.hold_after is not None and state.calls > state.hold_after:
            if time.monotonic() > deadline:
                return JSONResponse({"status": 503, "title": "Service Unavailable"}, status_code=503)
            await asyncio.sleep(0.01)
        start = int(after) if after else 0
        items = state.events[service][start : start + limit]
        return {"items": items, "next_cursor": str(start + len(items)) if items else after}

    return app


@pytest.fixture(scope="session")
def feeds_server() -> Iterator[tuple[str, Feeds]]:
    state = Feeds()
    with served(feeds_app(state)) as url:
        yield url, state


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def settings(migrated_url: str, feeds_server) -> Settings:
    url = feeds_server[0]
    return Settings(
        database_url=migrated_url,
        internal_secret=SECRET,
        participants_url=url,
        mentoring_url=url,
        documents_url=url,
        monitoring_url=url,
        consume_feed=False,
        feed_batch=7,  # small, so that a test's events span several batches
    )


@pytest.fixture
async def feeds(feeds_server, engine) -> AsyncIterator[Feeds]:
    """The stand-in feeds, empty; the projections and cursors are emptied after the test."""
    _, state = feeds_server
    yield state
    for events in state.events.values():
        events.clear()
    state.calls = 0
    state.hold_after = None
    names = ", ".join(f"reports.{t.__table__.name}" for t in PROJECTIONS)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {names}, reports.consumer_cursors"))


@pytest.fixture
def catch_up(settings, engine) -> Callable[[], Any]:
    """Read every stand-in feed to its end with the service's own consumers; returns the events applied."""

    async def run() -> int:
        applied = 0
        async with httpx.AsyncClient(timeout=10) as client:
            for consumer in consumers(settings, make_sessionmaker(engine), client):
                while (n := await consumer.run_once()) > 0:
                    applied += n
        return applied

    return run


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine):
    """The service as deployed but for its consumers (`catch_up` runs them): its sessions commit for real."""
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    return app
