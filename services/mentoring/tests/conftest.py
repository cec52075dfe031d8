"""Mentoring tests: one migrated database per session, each test in a rolled-back transaction.

The participants feed and the documents service are stood in for by a tiny
FastAPI app served over real HTTP (uvicorn on a free port), speaking exactly
the conventions of the helpers' brief: the feed at
`/api/v1/events/participants` and `GET /api/v1/documents/{id}`, both only for
an identity signed as role `service`.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from mentoring.main import create_app
from mentoring.migrate import MIGRATIONS
from mentoring.settings import Settings
from mentoring.tracks.service import open_track
from smartcity_dev.testing import served
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.identity import verify_identity
from smartcity_kit.migrations import upgrade
from smartcity_vocabulary import time_zone_of_region
from sqlalchemy.ext.asyncio import AsyncEngine

SECRET = "mentoring-test-secret-of-32-chars-or-more"


class Upstreams:
    """What the stand-in participants and documents services hold; tests fill it."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.broken_documents: set[str] = set()
        self.feed: list[dict[str, Any]] = []
        self.document_calls = 0
        self.feed_calls = 0
        # when set, feed requests after this many hang until it is cleared (a consumer caught mid-batch)
        self.hold_feed_after: int | None = None

    def add_document(self, region_code: str, kind: str, **extra: Any) -> str:
        document_id = str(uuid.uuid4())
        self.documents[document_id] = {
            "id": document_id,
            "region_code": region_code,
            "kind": kind,
            "title": f"{kind} of {region_code}",
            "version": 1,
            "versions": [{"version": 1, "size": 10, "sha256": "0" * 64}],
            **extra,
        }
        return document_id

    def status_changed(self, participant_id: str, region_code: str, phase_code: str, frm: str | None, to: str) -> None:
        self.feed.append(
            {
                "id": len(self.feed) + 1,
                "type": "participant.status_changed",
                "occurred_at": datetime.now(UTC).isoformat(),
                "subject": f"participants/{participant_id}",
                "data": {
                    "participant_id": participant_id,
                    "region_code": region_code,
                    "phase_code": phase_code,
                    "from": frm,
                    "to": to,
                    "reason": None,
                    "actor": "operator@test",
                    "time_zone": time_zone_of_region(region_code),
                },
            }
        )


def upstream_app(state: Upstreams) -> FastAPI:
    app = FastAPI()

    def refused(request: Request) -> JSONResponse | None:
        token = request.headers.get("x-smartcity-identity", "")
        try:
            caller = verify_identity(token, SECRET)
        except Exception:
            return JSONResponse({"status": 401, "title": "Unauthorized"}, status_code=401)
        if caller.role != "service":
            return JSONResponse({"status": 403, "title": "Forbidden"}, status_code=403)
        return None

    @app.get("/api/v1/documents/{document_id}")
    async def document(document_id: str, request: Request):
        if (problem := refused(request)) is not None:
            return problem
        state.document_calls += 1
        if document_id in state.broken_documents:
            return JSONResponse({"status": 500, "title": "Internal Server Error"}, status_code=500)
        body = state.documents.get(document_id)
        if body is None:
            return JSONResponse({"status": 404, "title": "Not Found"}, status_code=404)
        return body

    @app.get("/api/v1/events/participants")
    async def feed(request: Request, after: str | None = None, limit: int = Query(50, ge=1, le=500)):
        if (problem := refused(request)) is not None:
            return problem
        state.feed_calls += 1
        deadline = time.monotonic() + 30
        while state.hold_feed_after is not None and state.feed_calls > state.hold_feed_after:
            if time.monotonic() > deadline:
                return JSONResponse({"status": 503, "title": "Service Unavailable"}, status_code=503)
            await asyncio.sleep(0.01)
        start = int(after) if after else 0
        items = state.feed[start : start + limit]
        return {"items": items, "next_cursor": str(start + len(items)) if items else after}

    return app


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[tuple[str, Upstreams]]:
    state = Upstreams()
    with served(upstream_app(state)) as url:
        yield url, state


@pytest.fixture
def upstream(upstream_server) -> Iterator[Upstreams]:
    _, state = upstream_server
    yield state
    state.documents.clear()
    state.broken_documents.clear()
    state.feed.clear()
    state.document_calls = 0
    state.feed_calls = 0
    state.hold_feed_after = None


@pytest.fixture(scope="session")
def upstream_url(upstream_server) -> str:
    return upstream_server[0]


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def settings(migrated_url: str, upstream_url: str) -> Settings:
    return Settings(
        database_url=migrated_url,
        internal_secret=SECRET,
        participants_url=upstream_url,
        documents_url=upstream_url,
        documents_timeout=2.0,
    )


@pytest.fixture(scope="session")
def committed_tables() -> tuple[str, ...]:
    """Every table the feed touches."""
    return (
        "mentoring.tracks",
        "mentoring.track_mentors",
        "mentoring.deliverables",
        "mentoring.masterplans",
        "mentoring.session_tracks",
        "mentoring.events",
        "mentoring.consumer_cursors",
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(2.0, connect=1.0)) as client:
        yield client


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, session_factory, http, upstream):
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = session_factory
    app.state.documents = DocumentsClient(base_url=settings.documents_url, client=http, secret=SECRET, me="mentoring")
    return app


@pytest.fixture
def make_track(session_factory):
    """Open a track as the feed would (committed to the test's savepoint)."""

    async def make(region_code: str = "32.73", phase_code: str = "2018", time_zone: str | None = None):
        async with session_factory() as s:
            track = await open_track(
                s,
                participant_id=uuid.uuid4(),
                region_code=region_code,
                phase_code=phase_code,
                time_zone=time_zone or time_zone_of_region(region_code),
            )
            await s.commit()
        assert track is not None
        return track

    return make


@pytest.fixture
def make_mentor(client, as_role):
    """Create a mentor through the API; returns its JSON."""
    counter = iter(range(1, 10_000))

    async def make(**overrides: Any) -> dict[str, Any]:
        n = next(counter)
        body = {
            "name": f"Mentor {n}",
            "email": f"mentor{n}-{uuid.uuid4().hex[:6]}@univ.ac.id",
            "organization": "Institut Teknologi Bandung",
            "expertise": ["governance", "living"],
            "home_region_code": "32.73",
            "max_tracks": 5,
            **overrides,
        }
        response = await client.post("/api/v1/mentors", json=body, headers=as_role("operator"))
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def assign(client, as_role):
    async def do(track_id, mentor_id) -> httpx.Response:
        return await client.post(
            f"/api/v1/tracks/{track_id}/mentors", json={"mentor_id": str(mentor_id)}, headers=as_role("operator")
        )

    return do


@pytest.fixture
def events_of(session_factory):
    """The mentoring outbox rows, in order, as (type, data)."""

    async def read(type_prefix: str = "track.") -> list[tuple[str, dict]]:
        async with session_factory() as s:
            rows = await s.execute(
                sa.text("SELECT type, data FROM mentoring.events WHERE type LIKE :p ORDER BY id"),
                {"p": type_prefix + "%"},
            )
            return [(r.type, r.data) for r in rows]

    return read
