"""Monitoring tests: one migrated database per session, each test in a rolled-back transaction.

The services monitoring talks to are the real ones: the documents service
(evidence) and the mentoring service (the feed of approved plans) run as their
own apps on free ports (uvicorn in a thread), on the same test database, so
every call crosses real HTTP with a signed identity.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from documents.main import create_app as create_documents_app
from documents.migrate import MIGRATIONS as DOCUMENTS_MIGRATIONS
from documents.settings import Settings as DocumentsSettings
from mentoring.main import create_app as create_mentoring_app
from mentoring.migrate import MIGRATIONS as MENTORING_MIGRATIONS
from mentoring.settings import Settings as MentoringSettings
from monitoring.main import create_app
from monitoring.migrate import MIGRATIONS
from monitoring.portfolio.service import ApprovedPlan, create_portfolio
from monitoring.settings import Settings
from smartcity_dev.testing import served
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.migrations import upgrade
from sqlalchemy.ext.asyncio import AsyncEngine

SECRET = "monitoring-test-secret-of-32-chars-or-more"


@pytest.fixture(scope="session")
def documents_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    upgrade(DOCUMENTS_MIGRATIONS, database_url)
    settings = DocumentsSettings(
        database_url=database_url, internal_secret=SECRET, storage_dir=tmp_path_factory.mktemp("documents")
    )
    with served(create_documents_app(settings), lifespan="on") as url:
        yield url


@pytest.fixture(scope="session")
def mentoring_url(database_url: str) -> Iterator[str]:
    upgrade(MENTORING_MIGRATIONS, database_url)
    settings = MentoringSettings(database_url=database_url, internal_secret=SECRET, consume_feed=False)
    with served(create_mentoring_app(settings), lifespan="on") as url:
        yield url


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def settings(migrated_url: str, documents_url: str, mentoring_url: str) -> Settings:
    return Settings(
        database_url=migrated_url,
        internal_secret=SECRET,
        documents_url=documents_url,
        mentoring_url=mentoring_url,
        documents_timeout=5.0,
        consume_feed=False,
        run_reminders=False,
    )


@pytest.fixture(scope="session")
def committed_tables() -> tuple[str, ...]:
    return tuple(
        f"monitoring.{t}"
        for t in (
            "region_results",
            "report_history",
            "report_values",
            "report_initiatives",
            "reports",
            "reminders",
            "periods",
            "tracked_indicators",
            "initiatives",
            "portfolios",
            "region_mentors",
            "official_values",
            "events",
            "consumer_cursors",
            "idempotency_keys",
        )
    )


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0)) as client:
        yield client


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, session_factory, http):
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = session_factory
    app.state.documents = DocumentsClient(base_url=settings.documents_url, client=http, secret=SECRET, me="monitoring")
    return app


ELEMENTS = {
    "governance": "service",
    "branding": "tourism",
    "economy": "transaction",
    "living": "mobility",
    "society": "learning",
    "environment": "waste",
}


def approved_plan(region_code: str = "32.73", start: int = 2026, phase_code: str = "2026", **overrides: Any) -> dict:
    """The data of a `masterplan.approved` as mentoring records it: six initiatives, three quick wins."""
    track_id = uuid.uuid4()
    initiatives = [
        {
            "id": str(uuid.uuid5(track_id, f"initiative-{i}")),
            "index": i,
            "dimension": dimension,
            "element": element,
            "title": f"Inisiatif {dimension}",
            "benefit": "Warga mendapat layanan lebih cepat",
            "beneficiaries": "Seluruh warga",
            "kpi": "Waktu layanan turun 50%",
            "technology": "Aplikasi layanan terpadu",
            "start_year": start,
            "end_year": start + (1 if i < 3 else 4),
            "quick_win": i < 3,
            "lead_agency": "Dinas Komunikasi dan Informatika",
        }
        for i, (dimension, element) in enumerate(ELEMENTS.items())
    ]
    return {
        "track_id": str(track_id),
        "participant_id": str(uuid.uuid4()),
        "region_code": region_code,
        "phase_code": phase_code,
        "version": 2,
        "approved_at": datetime.now(UTC).isoformat(),
        "approved_by": "operator:ops@test",
        "vision": "Kota cerdas yang melayani warganya",
        "horizon_start_year": start,
        "horizon_end_year": start + 9,
        "initiatives": initiatives,
        **overrides,
    }


@pytest.fixture
def make_portfolio(session_factory):
    """A region's portfolio as the feed would create it (in the test's savepoint); returns the plan's data."""

    async def make(region_code: str = "32.73", **overrides: Any) -> dict:
        plan = approved_plan(region_code, **overrides)
        async with session_factory() as s:
            assert await create_portfolio(s, ApprovedPlan.model_validate(plan)) is not None
            await s.commit()
        return plan

    return make


@pytest.fixture
def attach(client, as_role):
    """Attach a catalogue indicator to an initiative through the API; returns the response."""

    async def do(initiative_id: str, region_code: str = "32.73", **body: Any) -> httpx.Response:
        payload = {
            "indicator_code": "online_services_share",
            "baseline": {"value": 20, "year": 2025},
            "targets": [{"year": 2026, "value": 40}, {"year": 2027, "value": 60}],
            **body,
        }
        return await client.post(
            f"/api/v1/monitoring/initiatives/{initiative_id}/indicators",
            json=payload,
            headers=as_role("region", region_code),
        )

    return do


@pytest.fixture
def events_of(session_factory):
    """The monitoring outbox rows, in order, as (type, data)."""

    async def read(type_prefix: str = "") -> list[tuple[str, dict]]:
        async with session_factory() as s:
            rows = await s.execute(
                sa.text("SELECT type, data FROM monitoring.events WHERE type LIKE :p ORDER BY id"),
                {"p": type_prefix + "%"},
            )
            return [(r.type, r.data) for r in rows]

    return read


@pytest.fixture
def open_period(client, as_role):
    """Open a period of 2026 (the plans' first year) with due and lock dates counted from today."""

    async def do(code: str = "2026-Y", due_in: int = 7, locks_in: int = 30) -> dict:
        today = date.today()
        body = {
            "code": code,
            "starts_on": f"{code[:4]}-01-01",
            "ends_on": f"{code[:4]}-12-31",
            "due_on": (today + timedelta(days=due_in)).isoformat(),
            "locks_on": (today + timedelta(days=locks_in)).isoformat(),
        }
        response = await client.post("/api/v1/monitoring/periods", json=body, headers=as_role("operator"))
        assert response.status_code == 201, response.text
        return response.json()

    return do


@pytest.fixture
def upload_document(documents_url, as_role):
    """A real document in the documents service, uploaded as the region; returns its id."""

    async def do(region_code: str = "32.73", content: bytes = b"%PDF-1.4 evidence\n%%EOF\n") -> str:
        async with httpx.AsyncClient(base_url=documents_url, timeout=10) as documents:
            response = await documents.post(
                "/api/v1/documents",
                data={"region_code": region_code, "kind": "other", "title": "Bukti capaian"},
                files={"file": ("bukti.pdf", content, "application/pdf")},
                headers=as_role("region", region_code),
            )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    return do


@pytest.fixture
def ready(make_portfolio, attach, open_period):
    """Kota Bandung's portfolio with two indicators (one to raise, one to lower) and an open period."""

    async def make(**period) -> dict:
        plan = await make_portfolio("32.73")
        online = (await attach(plan["initiatives"][0]["id"])).json()
        permit = (
            await attach(
                plan["initiatives"][3]["id"],
                indicator_code="business_permit_days",
                baseline={"value": 10, "year": 2025},
                targets=[{"year": 2026, "value": 5}, {"year": 2027, "value": 3}],
            )
        ).json()
        await open_period(**period)
        return {"plan": plan, "online": online["id"], "permit": permit["id"]}

    return make
