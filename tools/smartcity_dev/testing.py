"""A pytest plugin: a real, empty PostgreSQL database for the test session, and the rules for skips.

`DATABASE_URL` when set (CI and developers' machines run one), else the
embedded PostgreSQL in `.data/test-postgres`. Either way the session gets a
database of its own, dropped at the end.

A test that needs a backend this machine may lack (Redis, the S3-compatible
server, chromium, node) calls `skip_without(backend, reason)`: on a bare
machine it is skipped, saying why; under `CI=true` the skip is a failure, since
CI proves every backend every time. Every run ends with what was skipped, and why.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import NoReturn, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

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
