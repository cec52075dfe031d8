"""The gateway's ASGI application.

The hot path (`/api/v1/...` owned by a service) is a plain ASGI handler: it
authenticates, then streams to the owning service. Everything the gateway
answers itself (health, readiness, `/api/v1/me`, the docs) is a small FastAPI app.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import orjson
import structlog
from fastapi import FastAPI, Request
from smartcity_kit.identity import Caller
from smartcity_kit.logging import configure_logging, request_id_var
from smartcity_kit.problems import AppError, install_problem_handlers, problem_response
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .auth import Authenticator
from .proxy import Upstream, forward
from .routing import owner_of
from .settings import Settings

access_log = structlog.get_logger("access")


class Gateway:
    """The outermost ASGI callable: request id, access log, authentication, then proxy or local app."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.upstreams: dict[str, Upstream] = {}
        self.auth = Authenticator(settings)
        self.local = build_local_app(self)

    async def startup(self) -> None:
        s = self.settings
        self.upstreams = {
            name: Upstream(
                name, url, pool_size=s.pool_size, connect_timeout=s.connect_timeout, timeout=s.upstream_timeout
            )
            for name, url in s.upstreams().items()
        }

    async def shutdown(self) -> None:
        for upstream in self.upstreams.values():
            await upstream.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.local(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        rid = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), None)
        if not rid or len(rid) > 200:
            rid = uuid.uuid4().hex
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500
        caller: Caller | None = None

        async def send_with_id(message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            path = scope["path"]
            service = owner_of(path)
            if service is None and not path.startswith("/api/v1/"):
                await self.local(scope, receive, send_with_id)
                return
            try:
                caller = self.auth.authenticate(dict(scope["headers"]))
            except AppError as exc:
                await exc.to_response()(scope, receive, send_with_id)
                return
            if service is None:
                scope.setdefault("state", {})["caller"] = caller
                await self.local(scope, receive, send_with_id)
                return
            upstream = self.upstreams.get(service)
            if upstream is None:
                await problem_response(
                    503, f"The {service} service is not part of this deployment.", headers={"Retry-After": "60"}
                )(scope, receive, send_with_id)
                return
            await forward(scope, receive, send_with_id, upstream, caller, self.settings.internal_secret, rid)
        finally:
            if self.settings.access_log and scope["path"] not in ("/healthz",):
                access_log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    caller=f"{caller.role}:{caller.subject}" if caller else None,
                )
            request_id_var.reset(token)


def build_local_app(gateway: Gateway) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await gateway.startup()
        try:
            yield
        finally:
            await gateway.shutdown()

    app = FastAPI(
        title="Smart City gateway", version="1.0.0", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    install_problem_handlers(app)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> Response:
        states = dict(
            zip(
                gateway.upstreams,
                await asyncio.gather(*(_service_state(u) for u in gateway.upstreams.values())),
                strict=True,
            )
        )
        body = {"status": "ready" if all(v == "ready" for v in states.values()) else "unavailable", "services": states}
        if body["status"] == "ready":
            return Response(orjson.dumps(body), media_type="application/json")
        return problem_response(
            503, "Not every service is ready.", headers={"Retry-After": "5"}, extra={"services": states}
        )

    @app.get("/api/v1/me", tags=["gateway"], summary="Who the gateway says you are")
    async def me(request: Request) -> dict[str, str | None]:
        caller: Caller = request.scope["state"]["caller"]
        return {"subject": caller.subject, "role": caller.role, "region_code": caller.region_code, "auth": caller.auth}

    @app.api_route("/api/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown(rest: str) -> Response:
        return problem_response(404, f"No API resource at /api/v1/{rest}.")

    return app


async def _service_state(upstream: Upstream) -> str:
    try:
        async with upstream.session.get(
            upstream.base_url + "/readyz", timeout=aiohttp.ClientTimeout(total=3)
        ) as response:
            return "ready" if response.status == 200 else "not_ready"
    except (TimeoutError, aiohttp.ClientError):
        return "unavailable"


def create_app(settings: Settings | None = None) -> Gateway:
    settings = settings or Settings()
    configure_logging("gateway", settings.log_level)
    return Gateway(settings)
