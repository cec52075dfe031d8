"""A pytest plugin: a real, empty PostgreSQL database for the test session.

`DATABASE_URL` when set (CI and developers' machines run one), else the
embedded PostgreSQL in `.data/test-postgres`. Either way the session gets a
database of its own, dropped at the end.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
SHARED_REGIONS = REPO.parent / "shared" / "data" / "regions" / "regions.csv"

# pgserver logs as it stops at exit, after pytest has closed the streams
logging.getLogger("pgserver").addHandler(logging.NullHandler())
logging.getLogger("pgserver").propagate = False


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
