"""The reports service's app factory: report routes, middleware, and a consumer per events feed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI
from smartcity_kit import background
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.identity import IdentityMiddleware
from smartcity_kit.logging import configure_logging

from .charts.router import router as charts_router
from .masterplans.router import router as masterplans_router
from .mentoring.router import router as mentoring_router
from .monitoring.router import router as monitoring_router
from .overview.router import router as overview_router
from .page.router import router as page_router
from .problems import REPORTS
from .projections.feeds import consumers
from .settings import Settings

SERVICE = "reports"
# the tags of this service's operations, in the order the docs show them
TAGS = [
    {
        "name": "reports",
        "description": "The programme in figures, read from every service's events: JSON, CSV, XLSX, charts, a map, a "
        "printable page.",
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
        feed_http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=2.0))
        tasks = []
        if settings.consume_feed:
            for consumer in consumers(settings, app.state.sessionmaker, feed_http):
                tasks.append(asyncio.create_task(consumer.run_forever(), name=f"{consumer.feed}-feed"))
        try:
            yield
        finally:
            await background.stop(tasks)
            await feed_http.aclose()
            await engine.dispose()

    app = FastAPI(
        title="Smart City reports service",
        version="1.0.0",
        description="Programme reports from every service's events: JSON, CSV, XLSX, charts, a map, a printable page.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    install_common(app, service=SERVICE, problems=REPORTS)
    app.include_router(overview_router)
    app.include_router(mentoring_router)
    app.include_router(masterplans_router)
    app.include_router(monitoring_router)
    app.include_router(charts_router)
    app.include_router(page_router)

    # outermost last: request context, then identity
    app.add_middleware(IdentityMiddleware, secret=settings.internal_secret)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service=SERVICE)
    return app
