"""Mentoring tests: one migrated database per session, each test in a rolled-back transaction.

The participants feed and the documents service are stood in for by a tiny
FastAPI app served over real HTTP (uvicorn on a free port), speaking exactly
the conventions of the helpers' brief: the feed at
`/api/v1/events/participants` and `GET /api/v1/documents/{id}`, both only for
an identity signed as role `service`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from mentoring.main import create_app
from mentoring.migrate import MIGRATIONS
from mentoring.settings import Settings
from mentoring.tracks.service import open_track
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.identity import Caller, sign_identity, verify_identity
from smartcity_kit.migrations import upgrade
from smartcity_vocabulary import time_zone_of_region
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[tuple[str, Upstreams]]:
    state = Upstreams()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(upstream_app(state), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise TimeoutError("the stand-in upstream did not start")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}", state
    server.should_exit = True
    thread.join(10)


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
def settings(database_url: str, upstream_url: str) -> Settings:
    upgrade(MIGRATIONS, database_url)
    return Settings(
        database_url=database_url,
        internal_secret=SECRET,
        participants_url=upstream_url,
        documents_url=upstream_url,
        documents_timeout=2.0,
    )


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(session_factory) -> AsyncIterator[AsyncSession]:
    async with session_factory() as s:
        yield s


@pytest.fixture
async def committed(engine):
    """A sessionmaker that really commits; every table the feed touches is emptied after the test."""
    yield make_sessionmaker(engine)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "TRUNCATE mentoring.tracks, mentoring.track_mentors, mentoring.deliverables, mentoring.masterplans,"
                " mentoring.session_tracks, mentoring.events, mentoring.consumer_cursors CASCADE"
            )
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


def identity(role: str, region_code: str | None = None, subject: str | None = None) -> dict[str, str]:
    caller = Caller(subject=subject or f"{role}@test", role=role, region_code=region_code)
    return {"x-smartcity-identity": sign_identity(caller, SECRET)}


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mentoring") as c:
        yield c


@pytest.fixture
def as_role() -> Callable[..., dict[str, str]]:
    return identity


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
def make_mentor(client):
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
        response = await client.post("/api/v1/mentors", json=body, headers=identity("operator"))
        assert response.status_code == 201, response.text
        return response.json()

    return make


@pytest.fixture
def assign(client):
    async def do(track_id, mentor_id) -> httpx.Response:
        return await client.post(
            f"/api/v1/tracks/{track_id}/mentors", json={"mentor_id": str(mentor_id)}, headers=identity("operator")
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
