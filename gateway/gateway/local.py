"""What the gateway answers itself: health, readiness, the merged document and its docs, `/me`, the event
catalogue, API keys."""

from __future__ import annotations

import asyncio
from typing import Literal

import aiohttp
import orjson
from fastapi import FastAPI, Request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel
from smartcity_kit.app import add_problem_schema
from smartcity_kit.audit.router import audit_router
from smartcity_kit.db import database_ready, install_db_error_handlers
from smartcity_kit.generic_problems import METHOD_NOT_ALLOWED, NOT_FOUND, SERVICE_UNAVAILABLE
from smartcity_kit.identity import CallerDep, Role
from smartcity_kit.metrics import PoolCollector
from smartcity_kit.openapi import operation_id
from smartcity_kit.problems import (
    allowed_methods,
    install_problem_handlers,
    language,
    problem_response,
    problem_responses,
)
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.responses import Response

from . import docs
from .apikeys.router import router as api_keys_router
from .database import audit_entries
from .eventtypes import EventTypeList
from .metrics import GatewayMetrics
from .problems import GATEWAY
from .problemtypes import ProblemTypeList
from .proxy import Upstream
from .resources import lifespan, resources_of
from .settings import Settings


class Me(BaseModel):
    subject: str
    role: Role
    region_code: str | None
    auth: Literal["jwt", "api_key"]
    organization: str | None = None


# the tags of what the gateway answers, and of what every service serves alike (feeds, audit trails)
TAGS = [
    {"name": "gateway", "description": "Who the gateway says the caller is."},
    {"name": "api-keys", "description": "Partner systems' API keys: made, listed and revoked by staff."},
    {
        "name": "events",
        "description": "Every change a partner could act on, as an event: each service's feed and the catalogue "
        "of event types (their data's JSON Schema and an example); `webhooks` delivers the same events.",
    },
    {
        "name": "audit",
        "description": "Each service's audit trail: who changed what, when, from what to what; for auditors and staff.",
    },
]


def build_local_app(settings: Settings) -> FastAPI:
    """The app; its lifespan (`resources.lifespan`) opens what the gateway holds while it runs, the whole
    gateway's included. `state.metrics` are the gateway's metrics, the database pool's among them."""
    app = FastAPI(
        title="Smart City gateway",
        version="1.0.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        redirect_slashes=False,
        generate_unique_id_function=operation_id,
        openapi_tags=TAGS,
    )
    app.state.settings = settings
    app.state.metrics = metrics = GatewayMetrics()
    metrics.registry.register(PoolCollector(lambda: getattr(app.state, "engine", None)))
    install_problem_handlers(app)
    install_db_error_handlers(app)
    add_problem_schema(app, problems=GATEWAY)
    app.include_router(docs.router)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz/gateway", include_in_schema=False)
    async def gateway_ready() -> dict[str, str]:
        """The gateway's own readiness, for the Kubernetes probe: it has started and routes requests.

        It asks neither the services nor any database: with one service down the
        gateway still serves the others (and 503 problem+json for the missing
        one), so no replica should leave the Ingress for it.
        """
        return {"status": "ready"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        """Every service and the gateway's database, for people and monitors (not the gateway's probe)."""
        resources = resources_of(request.app.state)
        timeout = settings.readiness_timeout
        names = list(resources.upstreams)
        checks = [_service_state(u, timeout) for u in resources.upstreams.values()]
        if resources.engine is not None:
            names.append("gateway_database")
            checks.append(_database_state(resources.engine, timeout))
        states = dict(zip(names, await asyncio.gather(*checks), strict=True))
        if all(v == "ready" for v in states.values()):
            return Response(orjson.dumps({"status": "ready", "services": states}), media_type="application/json")
        return problem_response(
            SERVICE_UNAVAILABLE,
            language(request),
            "Not every service is ready.",
            headers={"Retry-After": "5"},
            extra={"services": states},
        )

    @app.get("/metrics", include_in_schema=False)
    async def scrape() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi(request: Request) -> Response:
        return Response(await resources_of(request.app.state).openapi.body(), media_type="application/json")

    @app.get(
        "/api/v1/me",
        tags=["gateway"],
        summary="Who the gateway says you are",
        response_model=Me,
        responses=problem_responses(401),
    )
    async def read_me(caller: CallerDep) -> Me:
        assert isinstance(caller.role, Role), "the gateway makes no service callers"
        return Me(
            subject=caller.subject,
            role=caller.role,
            region_code=caller.region_code,
            auth=caller.auth,
            organization=caller.organization,
        )

    @app.get(
        "/api/v1/event-types",
        tags=["events"],
        summary="The event catalogue: every event type, its data's JSON Schema and an example",
        response_model=EventTypeList,
        responses=problem_responses(401),
    )
    async def list_event_types(request: Request, _: CallerDep) -> Response:
        """Read from the services' OpenAPI documents, as the merged document's `webhooks` are: a service that is
        down is missing from both until it answers again (`info.x-services` of `/openapi.json` says which)."""
        return Response(await resources_of(request.app.state).openapi.event_types(), media_type="application/json")

    @app.get(
        "/api/v1/problem-types",
        tags=["gateway"],
        summary="The problem types: every code a refusal can carry, its status, titles, meaning and what to do",
        response_model=ProblemTypeList,
        responses=problem_responses(401),
    )
    async def problem_types(request: Request, _: CallerDep) -> Response:
        """Read from the services' OpenAPI documents (`x-problem-types`), as the merged document's list is: a
        service that is down is missing from both until it answers again."""
        return Response(await resources_of(request.app.state).openapi.problem_types(), media_type="application/json")

    app.include_router(api_keys_router)
    app.include_router(audit_router("gateway", audit_entries))

    @app.api_route("/api/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown(request: Request, rest: str) -> Response:
        allowed = allowed_methods(app.openapi(), f"/api/v1/{rest}")
        if allowed:  # the resource is the gateway's, only not with this method
            return problem_response(METHOD_NOT_ALLOWED, language(request), headers={"Allow": ", ".join(allowed)})
        return problem_response(
            NOT_FOUND, language(request), "No API resource at {path}.", values={"path": request.url.path}
        )

    return app


async def _service_state(upstream: Upstream, timeout: float) -> str:
    try:
        async with upstream.session.get(
            upstream.base_url + "/readyz", timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            return "ready" if response.status == 200 else "not_ready"
    except TimeoutError:
        return "timeout"
    except aiohttp.ClientError:
        return "unavailable"


async def _database_state(engine: AsyncEngine, timeout: float) -> str:
    try:
        return "ready" if await asyncio.wait_for(database_ready(engine), timeout) else "unavailable"
    except TimeoutError:
        return "timeout"
