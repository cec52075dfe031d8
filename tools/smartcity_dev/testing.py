"""A pytest plugin: a real, empty PostgreSQL database for the test session, the fixtures every package's tests
build on, and the rules for skips.

`DATABASE_URL` when set (CI and developers' machines run one), else the
embedded PostgreSQL in `.data/test-postgres`. Either way the session gets a
database of its own, dropped at the end.

A package's conftest names only what is its own: `migrated_url` (the session's database with its migrations
applied), `internal_secret`, `settings`, `app` and the package's factories. From them this plugin gives every
package the same `engine`, `connection` (a transaction rolled back after the test), `session_factory` and
`session` (savepoints inside it), `committed` (a sessionmaker that really commits, its package's
`committed_tables` emptied after the test), `client` (httpx on the app, in process) and `as_role` (the signed
identity headers of a caller), and `served` for an app that must be reached over real HTTP.

A test that needs a backend this machine may lack (Redis, the S3-compatible
server, chromium, node) calls `skip_without(backend, reason)`: on a bare
machine it is skipped, saying why; under `CI=true` the skip is a failure, since
CI proves every backend every time. Every run ends with what was skipped, and why.
"""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import logging
import os
import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, Literal, NoReturn, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.identity import SERVICE, Caller, CallerRole, Role, sign_identity
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from .platform import free_port

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
SHARED_REGIONS = REPO.parent / "shared" / "data" / "regions" / "regions.csv"

# pgserver logs as it stops at exit, after pytest has closed the streams
logging.getLogger("pgserver").addHandler(logging.NullHandler())
logging.getLogger("pgserver").propagate = False


# what a test may need that a bare machine lacks; .ci/run installs and starts each of them
BACKENDS = ("redis", "s3", "chromium", "poppler", "node")
_NEEDS = "[needs {}] "


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def skip_without(backend: str, reason: str) -> NoReturn:
    """Skip this test: `backend` is not here. Under CI=true the skip is turned into a failure."""
    assert backend in BACKENDS, f"unknown backend {backend!r}"
    pytest.skip(_NEEDS.format(backend) + reason)


def _needed_backend(report: pytest.TestReport) -> str | None:
    if not report.skipped or not isinstance(report.longrepr, tuple):
        return None
    reason = str(report.longrepr[2]).removeprefix("Skipped: ")
    return next((b for b in BACKENDS if reason.startswith(_NEEDS.format(b))), None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report: pytest.TestReport = yield
    backend = _needed_backend(report)
    if backend is not None and in_ci():
        assert isinstance(report.longrepr, tuple)
        reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"CI=true and this test was skipped for want of {backend}: {reason}"
    return report


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The last section of every run: what was skipped, and why (grouped by reason)."""
    skipped: dict[str, list[str]] = {}
    for report in terminalreporter.stats.get("skipped", []):
        if isinstance(report.longrepr, tuple):
            reason = str(report.longrepr[2]).removeprefix("Skipped: ")
        else:
            reason = str(report.longrepr)
        skipped.setdefault(reason, []).append(report.nodeid)
    if not skipped:
        return
    terminalreporter.section("skipped, and why")
    for reason, nodeids in sorted(skipped.items()):
        terminalreporter.line(f"{len(nodeids)} skipped: {reason}")
        for nodeid in nodeids:
            terminalreporter.line(f"    {nodeid}")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


async def _admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL")
    if url:
        yield url
        return
    from pgserver.postgres_server import get_server

    (REPO / ".data").mkdir(exist_ok=True)
    server = get_server(REPO / ".data" / "test-postgres", cleanup_mode="stop")
    yield server.get_uri()
    del server


@pytest.fixture(scope="session")
def new_database(server_url: str) -> Iterator[Callable[[], str]]:
    """Makes fresh databases on the test server; all are dropped at the end of the session."""
    made: list[str] = []

    def make() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
        made.append(name)
        return _with_database(server_url, name)

    try:
        yield make
    finally:
        for name in made:
            asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_url(new_database: Callable[[], str]) -> str:
    """A fresh database for this test session."""
    return new_database()


@pytest.fixture(scope="session")
def shared_regions_csv() -> Path:
    """The official 552-row list, where ../shared exists (CI, developers); else the test is skipped."""
    if not SHARED_REGIONS.exists():
        pytest.skip(f"{SHARED_REGIONS} is not here (a user's clone has no ../shared)")
    return SHARED_REGIONS


@pytest.fixture(scope="session")
def shared_regions_path() -> Path | None:
    """The official list where ../shared exists, else None (the test brings its own regions)."""
    return SHARED_REGIONS if SHARED_REGIONS.exists() else None


NODE_TOOLS = REPO / "openapi"


@pytest.fixture(scope="session")
def node_tools() -> Path:
    """`openapi/node_modules/.bin`: the npm packages openapi/package-lock.json pins (Redocly CLI)."""
    return npm_packages(NODE_TOOLS)


def npm_packages(folder: Path) -> Path:
    """`folder/node_modules/.bin`: the npm packages `folder/package-lock.json` pins, installed by `npm ci` when the
    lock changed since the last install; without node and npm the test is skipped (a failure under CI=true)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        skip_without("node", "node and npm are not installed (apt-get install nodejs npm); .ci/run installs them")
    lock = hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()
    stamp = folder / "node_modules" / ".installed-from-lock"
    if not stamp.exists() or stamp.read_text() != lock:
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            check=True,
            timeout=600,
            env={**os.environ, "NO_UPDATE_NOTIFIER": "1"},
        )
        stamp.write_text(lock)
    return folder / "node_modules" / ".bin"


def wait_until(
    condition: Callable[[], T], timeout: float = 120.0, what: str = "the condition", every: float = 0.05
) -> T:
    """Poll `condition` until it gives something true, and return that; a generous deadline, never a fixed sleep
    (the machines are busy)."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout} s")
        time.sleep(every)
    return value


async def eventually(
    condition: Callable[[], Any], timeout: float = 60.0, what: str = "the condition", every: float = 0.02
) -> Any:
    """`wait_until` inside the event loop: poll `condition()` (sync or async) until it gives something true,
    and return that."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout} s")
        await asyncio.sleep(every)


def identity_headers(
    secret: str,
    role: str,
    region_code: str | None = None,
    subject: str | None = None,
    organization: str | None = None,
    *,
    language: str | None = None,
) -> dict[str, str]:
    """The headers of a request from `role` as the gateway signs them (`subject` defaults to `<role>@test`); with
    `language`, its Accept-Language too."""
    caller_role: CallerRole = SERVICE if role == SERVICE else Role(role)
    caller = Caller(subject or f"{role}@test", caller_role, region_code=region_code, organization=organization)
    headers = {"x-smartcity-identity": sign_identity(caller, secret)}
    if language is not None:
        headers["accept-language"] = language
    return headers


@pytest.fixture
def as_role(internal_secret: str) -> Callable[..., dict[str, str]]:
    """as_role(role, region_code=None, subject=None, organization=None, *, language=None): a caller's identity
    headers."""
    return partial(identity_headers, internal_secret)


class Engines:
    """One engine per database and pool size for the whole session, disposed at its end."""

    def __init__(self) -> None:
        self.made: dict[tuple[str, int], AsyncEngine] = {}

    def get(self, url: str, pool_size: int) -> AsyncEngine:
        key = (url, pool_size)
        if key not in self.made:
            self.made[key] = create_engine(url, pool_size=pool_size)
        return self.made[key]


@pytest.fixture(scope="session")
async def engines() -> AsyncIterator[Engines]:
    made = Engines()
    yield made
    for engine in made.made.values():
        await engine.dispose()


@pytest.fixture(scope="session")
def pool_size() -> int:
    """The engine's pool size; a package whose tests hold more connections at once names its own."""
    return 10


@pytest.fixture
def engine(migrated_url: str, engines: Engines, pool_size: int) -> AsyncEngine:
    """The engine on the package's migrated database (function-scoped, so that each package's own
    `migrated_url` is the one used; the engine itself lives for the session)."""
    return engines.get(migrated_url, pool_size)


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction rolled back after the test: nothing a test writes through it stays."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()


@pytest.fixture
def session_factory(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    """Sessions inside the test's transaction: their commits are savepoints, rolled back with it."""
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def session(session_factory: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    async with session_factory() as s:
        yield s


@pytest.fixture
async def committed(engine: AsyncEngine, committed_tables: tuple[str, ...]) -> AsyncIterator[Any]:
    """A sessionmaker that really commits (for feeds, workers, concurrency); the package's `committed_tables`
    are emptied after the test."""
    yield make_sessionmaker(engine)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {', '.join(committed_tables)} CASCADE"))


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """httpx on the package's `app`, in process (no socket)."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


@contextmanager
def served(app: Any, lifespan: Literal["on", "off"] = "off", timeout: float = 20.0) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread, for what must reach it over real HTTP;
    gives its URL and stops it on leaving."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started or not thread.is_alive(), timeout, "the server's start")
        if not server.started:
            raise RuntimeError("the server under test stopped as it started")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout)
