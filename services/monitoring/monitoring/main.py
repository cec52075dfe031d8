"""The monitoring service's app factory: routes, middleware, the mentoring feed consumer and the reminder job."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from smartcity_kit import background
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.audit.chain import sealing
from smartcity_kit.audit.router import audit_router
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.idempotency import IdempotencyMiddleware
from smartcity_kit.identity import IdentityMiddleware
from smartcity_kit.logging import configure_logging
from smartcity_kit.outbox import events_router

from .database import SCHEMA, audit_entries, events, idempotency_keys
from .events import CATALOGUE
from .indicators.router import router as indicators_router
from .official.router import router as official_router
from .periods.router import router as periods_router
from .portfolio.consumer import mentoring_consumer
from .portfolio.router import router as portfolio_router
from .problems import MONITORING
from .reminders.job import run_forever as run_reminders
from .reports.router import router as reports_router
from .results.router import router as results_router
from .settings import Settings
from .spreadsheets.router import router as spreadsheets_router

SERVICE = "monitoring"
# the tags of this service's operations, in the order the docs show them
TAGS = [
    {"name": "portfolios", "description": "The initiatives of each approved master plan, as monitoring follows them."},
    {
        "name": "indicators",
        "description": "The indicator catalogue; indicators attached to initiatives, with baselines and targets.",
    },
    {"name": "periods", "description": "Reporting periods: opened, due and locked."},
    {
        "name": "monitoring-reports",
        "description": "A region's report for a period: filled in or uploaded as XLSX, submitted, reviewed, reopened.",
    },
    {"name": "results", "description": "What the accepted reports achieved, per region and initiative."},
    {
        "name": "official-indices",
        "description": "The official indices partner ministries publish, per region and year.",
    },
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        timeout = httpx.Timeout(settings.documents_timeout, connect=2.0)
        documents_http = httpx.AsyncClient(timeout=timeout, limits=httpx.Limits(max_connections=50))
        feed_http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0))
        app.state.documents = DocumentsClient(
            base_url=settings.documents_url, client=documents_http, secret=settings.internal_secret, me="monitoring"
        )
        tasks: list[asyncio.Task[None]] = []
        if settings.consume_feed:
            consumer = mentoring_consumer(
                mentoring_url=settings.mentoring_url,
                sessionmaker=app.state.sessionmaker,
                client=feed_http,
                secret=settings.internal_secret,
                interval=settings.feed_interval,
                batch=settings.feed_batch,
            )
            app.state.feed_consumers.append(consumer)
            tasks.append(asyncio.create_task(consumer.run_forever(), name="mentoring-feed"))
        if settings.run_reminders:
            reminders = run_reminders(app.state.sessionmaker, settings.reminder_interval)
            tasks.append(asyncio.create_task(reminders, name="reminders"))
        try:
            async with sealing(engine, SCHEMA, enabled=settings.audit_sealer, interval=settings.audit_seal_interval):
                yield
        finally:
            await background.stop(tasks)
            await documents_http.aclose()
            await feed_http.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Smart City monitoring service",
        version="1.0.0",
        description="Portfolios of approved master plans, indicators, period reports, verification, results and "
        "the official indices published by partner ministries.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    install_common(app, service=SERVICE, outbox=events, catalogue=CATALOGUE, problems=MONITORING)
    for router in (
        portfolio_router,
        indicators_router,
        periods_router,
        spreadsheets_router,
        reports_router,
        results_router,
        official_router,
    ):
        app.include_router(router)
    app.include_router(events_router(SERVICE, events))
    app.include_router(audit_router(SERVICE, audit_entries))

    # outermost last: request context, then identity, then idempotency
    app.add_middleware(IdempotencyMiddleware, table=idempotency_keys, state_app=app)
    app.add_middleware(IdentityMiddleware, secret=settings.internal_secret)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service=SERVICE)
    return app
