"""Webhooks tests: one migrated database per session; real receivers and a stand-in feed over real HTTP.

Receivers are plain HTTP servers on 127.0.0.1 (allow-listed by the test
settings), each told how to answer; the feeds of the other services are a
tiny FastAPI app on a free port speaking the kit's feed format, readable only
with an identity signed as role `service`. Time is made fast by settings
(a retry schedule of fractions of a second), never by touching the clock.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from functools import partial
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from smartcity_dev.receivers import Answer, Received, Receiver
from smartcity_dev.testing import identity_headers, served
from smartcity_kit.identity import verify_identity
from smartcity_kit.migrations import upgrade
from sqlalchemy.ext.asyncio import AsyncEngine
from webhooks.main import create_app
from webhooks.migrate import MIGRATIONS
from webhooks.settings import Settings

SECRET = "webhooks-test-secret-of-32-chars-or-more"
LOOPBACK = "127.0.0.0/8,::1/128"


# ---- the other services' feeds, stood in for


class Feeds:
    """What the stand-in services' feeds hold; tests append events."""

    def __init__(self) -> None:
        self.events: dict[str, list[dict[str, Any]]] = {}
        # the event types its OpenAPI document lists under `webhooks`; None: it serves no document
        self.event_types: list[str] | None = None

    def add(self, feed: str, type_: str, data: dict[str, Any], subject: str = "things/1") -> dict[str, Any]:
        items = self.events.setdefault(feed, [])
        event = {
            "id": len(items) + 1,
            "type": type_,
            "occurred_at": datetime.now(UTC).isoformat(),
            "subject": subject,
            "data": data,
        }
        items.append(event)
        return event


def feeds_app(state: Feeds) -> FastAPI:
    app = FastAPI(openapi_url=None)

    @app.get("/openapi.json")
    async def document():
        if state.event_types is None:
            return JSONResponse({"status": 404, "title": "Not Found"}, status_code=404)
        return {"openapi": "3.1.0", "paths": {}, "webhooks": {t: {"post": {}} for t in state.event_types}}

    @app.get("/api/v1/events/{feed}")
    async def feed(feed: str, request: Request, after: str | None = None, limit: int = Query(50, ge=1, le=500)):
        try:
            caller = verify_identity(request.headers.get("x-smartcity-identity", ""), SECRET)
        except Exception:
            return JSONResponse({"status": 401, "title": "Unauthorized"}, status_code=401)
        if caller.role != "service":
            return JSONResponse({"status": 403, "title": "Forbidden"}, status_code=403)
        start = int(after) if after else 0
        items = state.events.get(feed, [])[start : start + limit]
        return {"items": items, "next_cursor": str(start + len(items)) if items else after}

    return app


@pytest.fixture(scope="session")
def feeds_server() -> Iterator[tuple[str, Feeds]]:
    state = Feeds()
    with served(feeds_app(state)) as url:
        yield url, state


@pytest.fixture
def feeds(feeds_server) -> Iterator[Feeds]:
    yield feeds_server[1]
    feeds_server[1].events.clear()
    feeds_server[1].event_types = None


@pytest.fixture(scope="session")
def feeds_url(feeds_server) -> str:
    return feeds_server[0]


# ---- receivers


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(answer: Callable[[int, Received], Answer] | None = None) -> Receiver:
        made.append(Receiver(answer))
        return made[-1]

    yield make
    for r in made:
        r.close()


# ---- the service


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def pool_size() -> int:
    return 20  # deliveries in flight at once, each holding a connection, beside the tests' own


@pytest.fixture(scope="session")
def settings(migrated_url: str, feeds_url: str) -> Settings:
    return Settings(
        database_url=migrated_url,
        internal_secret=SECRET,
        feeds=f"participants={feeds_url},mentoring={feeds_url}",
        allowed_networks=LOOPBACK,
        retry_schedule="0.2,0.4,0.8",
        retry_jitter=0.1,
        delivery_timeout=2.0,
        lease_seconds=3.0,
        dispatch_interval=0.05,
        feed_interval=0.05,
        rotation_overlap=3600,
    )


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, session_factory):
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = session_factory
    return app


# what the tests' module-level helpers sign with: the plugin's `as_role`, outside a fixture
identity = partial(identity_headers, SECRET)


@pytest.fixture(scope="session")
def committed_tables() -> tuple[str, ...]:
    return tuple(
        f"webhooks.{t}"
        for t in ("endpoints", "endpoint_secrets", "deliveries", "attempts", "consumer_cursors", "idempotency_keys")
    )


@pytest.fixture
async def start(settings, committed) -> AsyncIterator[Callable[..., Any]]:
    """Starts the app in this event loop, feed consumers and dispatcher included, with settings changed as asked."""
    async with contextlib.AsyncExitStack() as stack:

        async def run(**changes: Any) -> httpx.AsyncClient:
            app = create_app(settings.model_copy(update=changes))
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = httpx.ASGITransport(app=app)
            return await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://webhooks"))

        yield run


@pytest.fixture
async def live(start) -> httpx.AsyncClient:
    """The app as configured for the tests, running: its feed consumers read and its dispatcher sends."""
    return await start()


def new_id() -> str:
    return str(uuid.uuid4())
