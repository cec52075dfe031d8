"""Official indices the ministries publish in monitoring fill the indicators an assessment leaves out.

Monitoring runs as its own app over HTTP on the test database (uvicorn in a
thread); a ministry's identity publishes there, and this service's consumer
reads monitoring's real feed. The consumer commits for real, so the published
rows are emptied afterwards.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from monitoring.main import create_app as create_monitoring_app
from monitoring.migrate import MIGRATIONS as MONITORING_MIGRATIONS
from monitoring.settings import Settings as MonitoringSettings
from participants.official.consumer import monitoring_consumer
from smartcity_kit.db import make_sessionmaker
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.migrations import upgrade

from .conftest import SECRET

PUBLISH = "/api/v1/monitoring/official-indices"


@pytest.fixture(scope="module")
def monitoring_url(database_url: str) -> Iterator[str]:
    upgrade(MONITORING_MIGRATIONS, database_url)
    settings = MonitoringSettings(
        database_url=database_url, internal_secret=SECRET, consume_feed=False, run_reminders=False
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_monitoring_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "monitoring did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(20)


def ministry(organization: str) -> dict[str, str]:
    caller = Caller(subject=f"api-key:{organization}", role="partner", organization=organization)
    return {"x-smartcity-identity": sign_identity(caller, SECRET)}


@pytest.fixture
async def published(engine, monitoring_url):
    """Published through monitoring and read from its feed by this service's consumer, before the test writes
    anything: the feed shows a transaction once every older one has ended, the test's own included."""
    async with httpx.AsyncClient(base_url=monitoring_url, timeout=10) as monitoring:

        async def publish(index: str, organization: str, year: int, values: dict[str, float]) -> None:
            body = {"values": [{"region_code": code, "value": value} for code, value in values.items()]}
            response = await monitoring.put(f"{PUBLISH}/{index}/{year}", json=body, headers=ministry(organization))
            assert response.status_code == 200, response.text
            consumer = monitoring_consumer(
                monitoring_url=monitoring_url, sessionmaker=make_sessionmaker(engine), client=monitoring, secret=SECRET
            )
            wanted = len(values)
            deadline = time.monotonic() + 180
            while True:  # other transactions on the server may hold the feed back a moment: poll
                await consumer.run_once()
                async with engine.connect() as conn:
                    here = (
                        await conn.execute(
                            sa.text(
                                "SELECT count(*) FROM participants.published_indices WHERE index = :i AND year = :y"
                            ),
                            {"i": index, "y": year},
                        )
                    ).scalar()
                if here >= wanted:
                    return
                assert time.monotonic() < deadline, "the published values did not arrive"
                await asyncio.sleep(0.05)

        try:
            await publish("green_city_index", "pupr", 2025, {"32.73": 60, "32.04": 50})
            await publish("green_city_index", "pupr", 2026, {"32.73": 71.5})
            await publish("sustainable_city_index", "bappenas", 2026, {"32.73": 66})
            yield
        finally:
            await empty(engine)


async def empty(engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            sa.text("TRUNCATE participants.published_indices, monitoring.official_values, monitoring.events")
        )
        await conn.execute(sa.text("DELETE FROM participants.consumer_cursors WHERE feed = 'monitoring'"))


async def test_an_assessment_takes_the_latest_published_official_indices_and_says_so(
    published, client, as_role, regions, make_phase, apply
):
    await make_phase("2018")
    kota = (await apply("32.73")).json()
    body = {
        "fiscal_capacity": 80,
        "government_performance_index": 75,
        "infrastructure": 80,
        "superstructure": 70,
        "leadership_vision": 90,
    }
    response = await client.put(f"/api/v1/participants/{kota['id']}/assessment", json=body, headers=as_role("operator"))
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["assessment"]["green_city_index"], out["assessment"]["sustainable_city_index"]) == (71.5, 66)
    assert out["sources"]["fiscal_capacity"] == {
        "kind": "assessor",
        "organization": None,
        "year": None,
        "published_at": None,
    }
    green = out["sources"]["green_city_index"]
    assert (green["kind"], green["organization"], green["year"]) == ("official_index", "pupr", 2026)
    assert out["sources"]["sustainable_city_index"]["organization"] == "bappenas"
    # 15 each for the four official and infrastructure, 10 superstructure, 15 vision: (80+71.5+75+66+80)*15+700+1350
    assert out["readiness_score"] == round(((80 + 71.5 + 75 + 66 + 80) * 15 + 70 * 10 + 90 * 15) / 100, 2)
    # a score given wins over a published one
    etag = (await client.get(f"/api/v1/participants/{kota['id']}", headers=as_role("operator"))).headers["etag"]
    given = {**body, "green_city_index": 55, "sustainable_city_index": 60}
    again = await client.put(
        f"/api/v1/participants/{kota['id']}/assessment", json=given, headers={**as_role("operator"), "If-Match": etag}
    )
    assert (again.json()["assessment"]["green_city_index"], again.json()["sources"]["green_city_index"]["kind"]) == (
        55,
        "assessor",
    )


async def test_an_official_indicator_neither_given_nor_published_is_named(
    published, client, as_role, regions, make_phase, apply
):
    await make_phase("2018")
    kabupaten = (await apply("32.04")).json()
    body = {"infrastructure": 80, "superstructure": 70, "leadership_vision": 90}
    response = await client.put(
        f"/api/v1/participants/{kabupaten['id']}/assessment", json=body, headers=as_role("operator")
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["fiscal_capacity", "government_performance_index"]
    participant = (await client.get(f"/api/v1/participants/{kabupaten['id']}", headers=as_role("operator"))).json()
    assert (participant["status"], participant["assessment"]) == ("applied", None)
