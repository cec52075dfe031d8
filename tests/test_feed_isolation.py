"""A slow upstream never holds back another service's feed.

A feed shows only the events of transactions older than every transaction
still running in the PostgreSQL cluster (`pg_snapshot_xmin`), so a consumer
that kept a transaction open while it fetched a stopped service's feed would
hide every service's new events until its HTTP timeout. Runs a platform of its
own on a PostgreSQL cluster of its own: it stops a service, and the other
test sessions sharing a cluster would hold back its feeds with their
transactions.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
import uuid
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from smartcity_dev.samples import pdf_bytes
from smartcity_dev.testing import wait_until

STOPPED_SECONDS = 10
# the figure: a new document's event is in the documents feed within a second of its upload
FEED_DEADLINE = 1.0


@pytest.fixture(scope="module")
def own_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import pgserver

    server = pgserver.get_server(tmp_path_factory.mktemp("feed-isolation") / "pg", cleanup_mode="stop")
    server.psql("CREATE DATABASE platform;")
    yield server.get_uri("platform")
    del server


def transactions_holding_xids(database_url: str) -> list[tuple[str, str]]:
    """(state, query) of every other backend of the platform's database idle in a transaction with an id: one
    waiting on something else (a network call) for seconds while it holds back every feed; the short ones that
    apply a batch (another consumer writing its projection) idle only between their statements."""

    async def ask() -> list[tuple[str, str]]:
        conn = await asyncpg.connect(database_url)
        try:
            rows = await conn.fetch(
                "SELECT state, query FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
                " AND state LIKE 'idle in transaction%' AND clock_timestamp() - xact_start > interval '3 seconds'"
            )
        finally:
            await conn.close()
        return [(r["state"], r["query"]) for r in rows]

    return asyncio.run(ask())


def test_a_stopped_participants_service_holds_back_no_feed(own_platform, own_cluster, auth_for):
    database_url = own_cluster
    platform = own_platform(database_url, MENTORING_FEED_INTERVAL="0.1")
    ops = auth_for(platform)("operator")
    api = httpx.Client(base_url=platform.url(), timeout=30)

    def documents_feed(after: str | None) -> dict:
        response = api.get("/api/v1/events/documents", params={"after": after} if after else {}, headers=ops)
        assert response.status_code == 200, response.text
        return response.json()

    def upload(title: str) -> str:
        created = api.post(
            "/api/v1/documents",
            data={"region_code": "32.73", "kind": "readiness_report", "title": title},
            files={"file": ("laporan.pdf", pdf_bytes(title), "application/pdf")},
            headers=ops,
        )
        assert created.status_code == 201, created.text
        return created.json()["id"]

    first = upload("sebelum")
    page = wait_until(lambda: (p := documents_feed(None))["items"] and p, 30, "the first document's event")
    assert [e["subject"] for e in page["items"]] == [f"documents/{first}"]
    cursor = page["next_cursor"]

    participants = platform.processes["participants"]
    stopped_at = time.monotonic()
    os.kill(participants.pid, signal.SIGSTOP)
    try:
        # mentoring polls every 0.1 s: from the first second on it is waiting on the stopped service
        time.sleep(1)
        shown = 0
        while time.monotonic() - stopped_at < STOPPED_SECONDS - 2 * FEED_DEADLINE:
            assert transactions_holding_xids(database_url) == []
            document = upload(f"saat-berhenti-{shown}-{uuid.uuid4().hex[:6]}")
            uploaded_at = time.monotonic()
            seen: list[str] = []
            while time.monotonic() - uploaded_at < FEED_DEADLINE and not seen:
                page = documents_feed(cursor)
                seen = [e["subject"] for e in page["items"]] or time.sleep(0.05) or []
            assert seen == [f"documents/{document}"], f"not in the documents feed {FEED_DEADLINE} s after its upload"
            cursor, shown = page["next_cursor"], shown + 1
        assert participants.poll() is None and shown > 0
    finally:
        os.kill(participants.pid, signal.SIGCONT)
    wait_until(lambda: api.get("/readyz").status_code == 200, 60, "ready after SIGCONT")
