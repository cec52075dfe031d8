"""The participants service's app factory: routes, middleware, the feed consumers and the audit sealer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from smartcity_kit import background
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.audit.chain import sealing
from smartcity_kit.audit.router import audit_router
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.idempotency import IdempotencyMiddleware
from smartcity_kit.identity import IdentityMiddleware
from smartcity_kit.logging import configure_logging
from smartcity_kit.outbox import events_router

from .applications.router import router as participants_router
from .assessment.router import router as assessment_router
from .database import SCHEMA, audit_entries, events, idempotency_keys
from .events import CATALOGUE
from .mou.router import router as mou_router
from .phases.router import router as phases_router
from .problems import PARTICIPANTS
from .regions.router import router as regions_router
from .selection.router import router as selection_router
from .settings import Settings

SERVICE = "participants"
# the tags of this service's operations, in the order the docs show them
TAGS = [
    {
        "name": "regions",
        "description": "Indonesia's provinces and kabupaten/kota: imported from CSV files (all or nothing), with "
        "population, area and time zone.",
    },
    {
        "name": "phases",
        "description": "The programme's cohorts: a year's quota and registration window, with counts per status.",
    },
    {
        "name": "participants",
        "description": "A region's application to a phase: contacts, assessment, status history, rejection and "
        "withdrawal.",
    },
    {
        "name": "selection",
        "description": "Ranking a phase's assessed applications and selecting up to its quota; the rest wait.",
    },
    {
        "name": "mou",
        "description": "Signing the memoranda of understanding of a phase's selected regions on one signing day.",
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
        tasks: list[asyncio.Task[None]] = []
        feed_http = None
        if settings.consume_feed and (settings.mentoring_url or settings.monitoring_url):
            import httpx  # only a process that follows another service pays for it

            feed_http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0))
        if settings.mentoring_url and feed_http is not None:
            from .applications.consumer import mentoring_consumer

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
        if settings.monitoring_url and feed_http is not None:
            from .official.consumer import monitoring_consumer

            official = monitoring_consumer(
                monitoring_url=settings.monitoring_url,
                sessionmaker=app.state.sessionmaker,
                client=feed_http,
                secret=settings.internal_secret,
                interval=settings.feed_interval,
                batch=settings.feed_batch,
            )
            app.state.feed_consumers.append(official)
            tasks.append(asyncio.create_task(official.run_forever(), name="monitoring-feed"))
        try:
            async with sealing(engine, SCHEMA, enabled=settings.audit_sealer, interval=settings.audit_seal_interval):
                yield
        finally:
            await background.stop(tasks)
            if feed_http is not None:
                await feed_http.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Smart City participants service",
        version="1.0.0",
        description="Regions, cohorts (phases), applications, assessment, selection and MoU signing.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    install_common(app, service=SERVICE, outbox=events, catalogue=CATALOGUE, problems=PARTICIPANTS)
    for router in (regions_router, phases_router, participants_router, assessment_router, selection_router, mou_router):
        app.include_router(router)
    app.include_router(events_router(SERVICE, events))
    app.include_router(audit_router(SERVICE, audit_entries))

    # outermost last: request context, then identity, then idempotency
    app.add_middleware(IdempotencyMiddleware, table=idempotency_keys, state_app=app)
    app.add_middleware(IdentityMiddleware, secret=settings.internal_secret)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service=SERVICE)
    return app
