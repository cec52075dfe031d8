"""The skeleton every service shares: middleware, health, metrics, error rendering."""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Protocol

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import tracing
from .accesslog import write_access_line
from .bodylimit import DEFAULT_MAX_BODY_BYTES, BodyLimitMiddleware
from .catalogue import Catalogue, add_webhooks
from .db import database_ready, install_db_error_handlers
from .generic_problems import DATABASE_UNAVAILABLE
from .identity import SERVICE
from .logging import request_id_var
from .metrics import FeedCollector, PoolCollector, new_registry
from .openapi import document_problems, hoist_local_defs, operation_id
from .problems import install_problem_handlers, language, problem_response
from .problemtypes import ProblemTypes

root_log = logging.getLogger()  # configure_logging sets the level every line is filtered by


class RequestMetrics(Protocol):
    """What the request context counts per request, once the response has gone (or failed: status 500)."""

    def observe(self, scope: Scope, status: int, seconds: float) -> None: ...


class RouteMetrics:
    """A service's: `http_requests_total` by method, route template and status; `http_request_duration_seconds`
    by method and route template."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "http_requests_total", "HTTP requests", ["method", "route", "status"], registry=registry
        )
        self.latency = Histogram(
            "http_request_duration_seconds", "HTTP request duration", ["method", "route"], registry=registry
        )
        # each label set's children bound once: `labels()` checks and joins its values under a lock on every call
        self.bound: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or "unmatched"
        key = (scope["method"], route, status)
        bound = self.bound.get(key)
        if bound is None:
            bound = self.bound[key] = (
                self.requests.labels(key[0], route, str(status)),
                self.latency.labels(key[0], route),
            )
        bound[0].inc()
        bound[1].observe(seconds)


class RequestContextMiddleware:
    """X-Request-ID taken or made, echoed, bound to every log line; access log and metrics.

    Every process's outermost layer, the gateway's too: `metrics` says what is counted (a service's
    `RouteMetrics` by default, the gateway's per target service); the access line's caller is
    `scope["state"]["caller"]`, set by whatever authenticated the request.
    """

    def __init__(
        self,
        app: ASGIApp,
        registry: CollectorRegistry,
        service: str,
        access_log_enabled: bool = True,
        metrics: RequestMetrics | None = None,
    ) -> None:
        self.app = app
        self.service = service
        self.access_log_enabled = access_log_enabled
        self.metrics = metrics if metrics is not None else RouteMetrics(registry)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        if not rid or len(rid) > 200:
            rid = os.urandom(16).hex()  # as uuid4().hex reads, at a fraction of its cost
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.observe(scope, status, elapsed)
            if self.access_log_enabled and scope["path"] not in ("/healthz", "/metrics"):
                caller = scope.get("state", {}).get("caller")
                # another service polling an events feed twice a second is routine: debug, unless it failed
                quiet = caller is not None and caller.role == SERVICE and status < 400
                if root_log.isEnabledFor(logging.DEBUG if quiet else logging.INFO):
                    write_access_line(
                        service=self.service,
                        level="debug" if quiet else "info",
                        request_id=rid,
                        method=scope["method"],
                        path=scope["path"],
                        status=status,
                        duration_ms=round(elapsed * 1000, 2),
                        caller=f"{caller.role}:{caller.subject}" if caller else None,
                    )
            request_id_var.reset(token)


def add_problem_schema(
    app: FastAPI, *, service: str = "", catalogue: Catalogue | None = None, problems: ProblemTypes | None = None
) -> None:
    """Declare the Problem schema (so `responses=` can reference it), every operation's problem responses and
    the problem types (the kit's and the service's own `problems`); given the service's event `catalogue`, its
    event types under `webhooks`."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description=app.description, tags=app.openapi_tags
        )
        schema = hoist_local_defs(document_problems(schema, problems))
        if catalogue is not None:
            schema = add_webhooks(schema, catalogue, service)
        app.openapi_schema = schema
        return schema

    # FastAPI's documented way to extend the schema is to replace this method; mypy forbids assigning to one
    app.openapi = openapi  # type: ignore[method-assign]


def install_common(
    app: FastAPI,
    *,
    service: str,
    outbox: sa.Table | None = None,
    catalogue: Catalogue | None = None,
    problems: ProblemTypes | None = None,
) -> None:
    """Health, readiness, metrics, error handlers, the body limit and the operation ids (`openapi.operation_id`);
    call before including routers and adding middleware.

    `/metrics` holds the process and GC collectors, the database pool (`app.state.engine`), the feed
    consumers in `app.state.feed_consumers` and, given the service's `outbox` table, its number of events.
    The service's event `catalogue` (the types its outbox records) and its problem types (`problems`, besides the
    kit's) are published in its OpenAPI document.
    The body limit is `app.state.settings.max_body_bytes` (1 MiB without settings) for every route but those
    marked `openapi_extra=STREAMED_BODY`, which bound their own body. With tracing on, every request but
    probes and scrapes is a span continuing the caller's trace (`tracing.instrument_app`).
    """
    # before any route is added: each takes its operation id from it (routers take it when included)
    app.router.generate_unique_id_function = operation_id
    registry = new_registry()
    app.state.metrics_registry = registry
    app.state.feed_consumers = []
    registry.register(PoolCollector(lambda: getattr(app.state, "engine", None)))
    registry.register(FeedCollector(lambda: app.state.feed_consumers))
    outbox_events = Gauge("outbox_events", "Events in the service's outbox (its feed)", registry=registry)
    install_problem_handlers(app)
    install_db_error_handlers(app)
    add_problem_schema(app, service=service, catalogue=catalogue, problems=problems)
    # a trailing slash is not redirected: Starlette's redirect names the service's own address (and echoes the
    # Host header), which through the gateway points a client at an internal host
    app.router.redirect_slashes = False
    settings = getattr(app.state, "settings", None)
    max_body_bytes = getattr(settings, "max_body_bytes", DEFAULT_MAX_BODY_BYTES)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body_bytes, openapi=app.openapi)
    tracing.instrument_app(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        if await database_ready(request.app.state.engine):
            return Response(b'{"status":"ready","database":"ok"}', media_type="application/json")
        return problem_response(
            DATABASE_UNAVAILABLE,
            language(request),
            "The {service} database does not answer.",
            values={"service": service},
            headers={"Retry-After": "5"},
            extra={"database": "unavailable"},
        )

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        if outbox is not None:
            try:
                async with request.app.state.engine.connect() as conn:
                    outbox_events.set((await conn.execute(sa.select(sa.func.count()).select_from(outbox))).scalar_one())
            except (DBAPIError, OSError, PoolTimeout):  # the rest of the metrics still answer
                pass
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
