"""The webhooks service's app factory: routes, middleware, the feed consumers and the dispatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import structlog
from fastapi import FastAPI
from smartcity_kit import background
from smartcity_kit.app import RequestContextMiddleware, install_common
from smartcity_kit.audit.chain import sealing
from smartcity_kit.audit.router import audit_router
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.idempotency import IdempotencyMiddleware
from smartcity_kit.identity import IdentityMiddleware
from smartcity_kit.logging import configure_logging

from .database import SCHEMA, audit_entries, idempotency_keys
from .deliveries.router import router as deliveries_router
from .dispatch.dispatcher import Dispatcher
from .dispatch.sender import new_client
from .dispatch.wakeups import listen
from .endpoints.known_types import KnownTypes
from .endpoints.router import router as endpoints_router
from .feeds import consumers, follow
from .problems import WEBHOOKS
from .settings import Settings

log = structlog.get_logger("webhooks")

SERVICE = "webhooks"
# the tags of this service's operations, in the order the docs show them
TAGS = [
    {
        "name": "webhooks",
        "description": "Endpoints that receive the platform's events, signed, with retries; their deliveries and "
        "redelivery.",
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
        feed_http = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0))
        delivery_http = new_client()
        tasks: list[asyncio.Task[None]] = []
        if settings.consume_feeds:
            for consumer in consumers(
                feeds=settings.feed_urls(),
                sessionmaker=app.state.sessionmaker,
                client=feed_http,
                secret=settings.internal_secret,
                interval=settings.feed_interval,
                batch=settings.feed_batch,
            ):
                tasks.append(asyncio.create_task(follow(consumer), name=f"feed-{consumer.feed}"))
        if settings.deliver:
            dispatcher = Dispatcher(sessionmaker=app.state.sessionmaker, client=delivery_http, settings=settings)
            app.state.dispatcher = dispatcher
            tasks.append(asyncio.create_task(dispatcher.run_forever(), name="dispatcher"))
            tasks.append(asyncio.create_task(listen(settings.database_url, dispatcher.wake), name="wakeups"))
        try:
            async with sealing(engine, SCHEMA, enabled=settings.audit_sealer, interval=settings.audit_seal_interval):
                yield
        finally:
            await background.stop(tasks)
            await feed_http.aclose()
            await delivery_http.close()
            await engine.dispose()

    app = FastAPI(
        title="Smart City webhooks service",
        version="1.0.0",
        description="Endpoints that receive the platform's events, signed (Standard Webhooks), with retries.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    app.state.known_types = KnownTypes(list(settings.feed_urls().values()), refresh=settings.event_types_refresh)
    install_common(app, service=SERVICE, problems=WEBHOOKS)
    app.include_router(audit_router(SERVICE, audit_entries))
    app.include_router(endpoints_router)
    app.include_router(deliveries_router)

    # outermost last: request context, then identity, then idempotency
    app.add_middleware(IdempotencyMiddleware, table=idempotency_keys, state_app=app)
    app.add_middleware(IdentityMiddleware, secret=settings.internal_secret)
    app.add_middleware(RequestContextMiddleware, registry=app.state.metrics_registry, service=SERVICE)
    return app
