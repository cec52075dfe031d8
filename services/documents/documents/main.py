"""The documents service's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.audit.chain import sealing
from smartcity_kit.audit.router import audit_router
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.idempotency import IdempotencyMiddleware
from smartcity_kit.identity import IdentityMiddleware
from smartcity_kit.logging import configure_logging
from smartcity_kit.outbox import events_router

from .database import SCHEMA, audit_entries, events, idempotency_keys
from .library.blobs import startup_sweep
from .library.events import CATALOGUE
from .library.mentored import MentoredRegions
from .library.router import router as documents_router
from .problems import DOCUMENTS
from .settings import Settings
from .storage import make_storage

SERVICE = "documents"
# the tags of this service's operations, in the order the docs show them
TAGS = [
    {"name": "documents", "description": "Regions' documents: uploaded, versioned, read whole or by range, deleted."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    configure_logging(SERVICE, settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
        storage = make_storage(settings)
        await storage.start()
        app.state.engine = engine
        app.state.sessionmaker = make_sessionmaker(engine)
        app.state.storage = storage
        mentoring_http = httpx.AsyncClient(timeout=httpx.Timeout(settings.mentoring_timeout, connect=2.0))
        app.state.mentored = MentoredRegions(
            base_url=settings.mentoring_url,
            client=mentoring_http,
            secret=settings.internal_secret,
            ttl=settings.mentor_scope_ttl,
        )
        try:
            await startup_sweep(app.state.sessionmaker, storage)
            async with sealing(engine, SCHEMA, enabled=settings.audit_sealer, interval=settings.audit_seal_interval):
                yield
        finally:
            await mentoring_http.aclose()
            await storage.close()
            await engine.dispose()

    app = FastAPI(
        title="Smart City documents service",
        version="1.0.0",
        description="Regions' deliverables: versioned documents streamed to local disk or an S3-compatible store.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    install_common(app, service=SERVICE, outbox=events, catalogue=CATALOGUE, problems=DOCUMENTS)
    app.include_router(documents_router)
    app.include_router(events_router(SERVICE, events))
    app.include_router(audit_router(SERVICE, audit_entries))

    # outermost last: request context, then identity, then idempotency
    app.add_middleware(IdempotencyMiddleware, table=idempotency_keys, state_app=app)
    app.add_middleware(IdentityMiddleware, secret=settings.internal_secret)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service=SERVICE)
    return app
