"""Gateway tests: the gateway in-process, in front of real HTTP servers started here.

`upstream` is a small HTTP server standing in for the services (mentoring and
documents are not part of this package): it answers every path with 200 and
records what reached it, so a test can tell whether the gateway let a request
through and with which identity. The gateway's own schema is migrated once in
a real PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import orjson
import pytest
from aiohttp import web
from gateway.main import Gateway
from gateway.migrate import MIGRATIONS
from gateway.settings import Settings
from gateway.token_cli import issue_token
from smartcity_dev.platform import free_port
from smartcity_kit.migrations import upgrade

SECRET = "gateway-test-internal-secret-of-32-chars"
GENEROUS_LIMITS = "admin=1000:1000,operator=1000:1000,mentor=1000:1000,region=1000:1000,partner=1000:1000"


@dataclass
class Upstream:
    """A stand-in service over real HTTP that records each request it gets."""

    url: str
    seen: list[web.Request] = field(default_factory=list)
    document: dict[str, Any] = field(default_factory=lambda: {"openapi": "3.1.0", "paths": {}})
    delay: float = 0.0

    def headers_of_last(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.seen[-1].headers.items()}


async def serve(app: web.Application, port: int | None = None) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = port or free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, port


async def start_upstream() -> tuple[Upstream, web.AppRunner]:
    state = Upstream(url="")

    async def any_path(request: web.Request) -> web.Response:
        if request.path == "/openapi.json":
            return web.Response(body=orjson.dumps(state.document), content_type="application/json")
        if request.path == "/readyz":
            return web.json_response({"status": "ready"})
        if "x-big-download" in request.headers:  # 3 MiB in 64 KiB writes
            response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
            await response.prepare(request)
            for n in range(48):
                await response.write(bytes([n]) * 65536)
            await response.write_eof()
            return response
        body = await request.read()
        state.seen.append(request)
        if "x-echo-digest" in request.headers:
            return web.json_response({"size": len(body), "sha256": hashlib.sha256(body).hexdigest()})
        if state.delay:
            await asyncio.sleep(state.delay)
        return web.json_response({"path": request.path}, headers={"Set-Cookie": "leak=1", "X-From": "upstream"})

    app = web.Application(client_max_size=64 << 20)
    app.router.add_route("*", "/{tail:.*}", any_path)
    runner, port = await serve(app)
    state.url = f"http://127.0.0.1:{port}"
    return state, runner


@pytest.fixture(scope="session")
def serve_app() -> Callable[..., Awaitable[tuple[web.AppRunner, int]]]:
    """Serves an aiohttp app on a free port: `runner, port = await serve_app(app)`."""
    return serve


@pytest.fixture(scope="session")
def unused_port() -> Callable[[], int]:
    return free_port


@pytest.fixture(scope="session")
async def upstream() -> AsyncIterator[Upstream]:
    state, runner = await start_upstream()
    yield state
    await runner.cleanup()


@pytest.fixture(autouse=True)
def _fresh_upstream(upstream: Upstream) -> None:
    upstream.seen.clear()
    upstream.delay = 0.0


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("keys") / "gateway-signing-key.pem"


@pytest.fixture
def make_settings(migrated_url: str, upstream: Upstream, signing_key: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "participants_url": upstream.url,
            "mentoring_url": upstream.url,
            "documents_url": upstream.url,
            "monitoring_url": upstream.url,
            "reports_url": upstream.url,
            "webhooks_url": upstream.url,
            "signing_key_path": str(signing_key),
            "internal_secret": SECRET,
            "database_url": migrated_url,
            "rate_limits": GENEROUS_LIMITS,
            "failed_auth_limit": "1000:1000",
            "redis_url": "",
            "access_log": False,
        }
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
async def start_gateway() -> AsyncIterator[Callable[..., Awaitable[httpx.AsyncClient]]]:
    """Starts gateways (their lifespan's start-up, no server) and gives an httpx client on each."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(settings: Settings) -> httpx.AsyncClient:
            gateway = Gateway(settings)
            await stack.enter_async_context(gateway.running())
            transport = httpx.ASGITransport(app=gateway.served())
            return await stack.enter_async_context(httpx.AsyncClient(transport=transport, base_url="http://gateway"))

        yield start


@pytest.fixture
async def client(make_settings, start_gateway) -> httpx.AsyncClient:
    return await start_gateway(make_settings())


@pytest.fixture
def token(signing_key: Path) -> Callable[..., str]:
    settings = Settings(signing_key_path=str(signing_key), internal_secret=SECRET)

    def make(role: str, region_code: str | None = None, subject: str | None = None, ttl: int = 600) -> str:
        return issue_token(settings, subject or f"{role}@test", role, region_code, ttl)

    return make


@pytest.fixture
def bearer(token) -> Callable[..., dict[str, str]]:
    def make(role: str, region_code: str | None = None, subject: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token(role, region_code, subject)}"}

    return make


async def call_asgi(
    app, method: str, raw_path: str, headers: dict[str, str], body: list[dict] | None = None
) -> list[dict]:
    """Calls an ASGI app as a hostile or flaky client may: the path exactly as given (httpx would normalise it),
    the request messages as given (e.g. a disconnect mid-body). Returns what the app sent."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote(raw_path),
        "raw_path": raw_path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("gateway", 80),
    }
    incoming = list(body or [{"type": "http.request", "body": b"{}", "more_body": False}])
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@pytest.fixture(scope="session")
def raw_asgi():
    return call_asgi
