"""The mentoring service's app factory: routes, middleware, and the participants feed consumer."""

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

from .curriculum.router import router as curriculum_router
from .database import SCHEMA, audit_entries, events, idempotency_keys
from .deliverables.router import router as deliverables_router
from .events import CATALOGUE
from .masterplan.router import router as masterplan_router
from .mentors.router import router as mentors_router
from .problems import MENTORING
from .settings import Settings
from .tracks.consumer import participants_consumer
from .tracks.router import router as tracks_router
from .workshops.router import router as sessions_router

SERVICE = "mentoring"
# the tags of this service's operations, in the order the docs show them
TAGS = [
    {
        "name": "curriculum",
        "description": "The four bimtek stages, what each teaches and the deliverables each requires.",
    },
    {"name": "mentors", "description": "Mentors, their expertise per dimension and their load of tracks."},
    {
        "name": "tracks",
        "description": "A signed region's way through the curriculum: its stage, its mentors, advancing.",
    },
    {"name": "sessions", "description": "Workshops (sessions) of a stage: their tracks, mentors and attendance."},
    {"name": "deliverables", "description": "What a track submits for its stage (a document) and its mentor's review."},
    {
        "name": "masterplan",
        "description": "A track's smart city master plan: dimensions, initiatives, roadmap and approval.",
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
            base_url=settings.documents_url, client=documents_http, secret=settings.internal_secret, me="mentoring"
        )
        consumer_task = None
        if settings.consume_feed:
            consumer = participants_consumer(
                participants_url=settings.participants_url,
                sessionmaker=app.state.sessionmaker,
                client=feed_http,
                secret=settings.internal_secret,
                interval=settings.feed_interval,
                batch=settings.feed_batch,
            )
            app.state.feed_consumers.append(consumer)
            consumer_task = asyncio.create_task(consumer.run_forever(), name="participants-feed")
        try:
            async with sealing(engine, SCHEMA, enabled=settings.audit_sealer, interval=settings.audit_seal_interval):
                yield
        finally:
            if consumer_task is not None:
                await background.stop([consumer_task])
            await documents_http.aclose()
            await feed_http.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Smart City mentoring service",
        version="1.0.0",
        description="Curriculum, mentors, tracks, workshops, deliverables and the master plan.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    install_common(app, service=SERVICE, outbox=events, catalogue=CATALOGUE, problems=MENTORING)
    for router in (
        curriculum_router,
        mentors_router,
        tracks_router,
        sessions_router,
        deliverables_router,
        masterplan_router,
    ):
        app.include_router(router)
    app.include_router(events_router(SERVICE, events))
    app.include_router(audit_router(SERVICE, audit_entries))

    # outermost last: request context, then identity, then idempotency
    app.add_middleware(IdempotencyMiddleware, table=idempotency_keys, state_app=app)
    app.add_middleware(IdentityMiddleware, secret=settings.internal_secret)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service=SERVICE)
    return app
