"""The gateway's ASGI application.

The hot path (`/api/v1/...` owned by a service) is a plain ASGI handler:
authenticate, rate-limit, check the role's route class, then stream to the
owning service. What the gateway answers itself (health, readiness, the merged
OpenAPI document and its docs page, `/api/v1/me`, API keys) is a small FastAPI
app behind it.
"""

from __future__ import annotations

import contextlib
import math
import time

from smartcity_kit.app import RequestContextMiddleware
from smartcity_kit.bodylimit import BodyTooLarge, declared_length, limited_receive
from smartcity_kit.generic_problems import (
    BAD_REQUEST,
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    SERVICE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
)
from smartcity_kit.i18n import language_of
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.logging import configure_logging, request_id_var
from smartcity_kit.problems import AppError, Unauthorized, problem_response
from smartcity_kit.tracing import traced_gateway
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from . import policy
from .admission import Gates, UploadSlots
from .auth import Authenticator, NoCredentials
from .clientaddress import ClientAddress
from .local import build_local_app
from .metrics import GatewayMetrics
from .problems import TOO_MANY_FAILED_AUTHENTICATIONS
from .proxy import forward
from .ratelimit import MemoryBuckets, RateLimiter
from .resources import lifespan, resources_of
from .routing import owner_of
from .settings import Settings
from .uploads import is_upload

IDENTITY_TTL = 60


class Gateway:
    """Authentication, limits, the route class, then the proxy or the local app; inside the kit's request
    context (request id, access line, metrics: `served`), as every service is.

    What it holds while it runs (sessions, verifier, limiter, database) the local app's lifespan opens and
    keeps on `local.state.resources`; what it builds here are in-memory bounds and caches, nothing to close.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.failures = MemoryBuckets()
        self.failure_bucket = settings.failed_auth_bucket()
        self.gates = Gates(
            route_concurrency=settings.route_concurrency,
            service_concurrency=settings.service_concurrency,
            queue_timeout=settings.queue_timeout,
        )
        self.uploads = UploadSlots(settings.max_uploads_per_caller)
        self.document_reads = MemoryBuckets()
        self.document_bucket = settings.openapi_bucket()
        self.client_address = ClientAddress(settings.trusted_networks(), settings.forwarded_header)
        self._identities: dict[Caller, tuple[str, float]] = {}
        self.local = build_local_app(settings)
        self.metrics: GatewayMetrics = self.local.state.metrics

    def running(self) -> contextlib.AbstractAsyncContextManager[None]:
        """The lifespan outside a server (tests, benchmarks): started on entry, shut down on exit."""
        return lifespan(self.local)

    def served(self) -> ASGIApp:
        """The gateway as a server runs it: inside the kit's request context (request id, access line, metrics),
        CORS when origins are configured, and with tracing on (smartcity_kit.tracing) a span per request that the
        services continue."""
        context = RequestContextMiddleware(
            self, self.metrics.registry, "gateway", access_log_enabled=self.settings.access_log, metrics=self.metrics
        )
        return traced_gateway(with_cors(context, self.settings), span_name)

    def identity_for(self, caller: Caller) -> str:
        """The signed identity for the services, re-signed when half its life is gone."""
        now = time.monotonic()
        hit = self._identities.get(caller)
        if hit is not None and hit[1] > now:
            return hit[0]
        if len(self._identities) >= 10_000:
            self._identities.clear()
        token = sign_identity(caller, self.settings.internal_secret, ttl=IDENTITY_TTL)
        self._identities[caller] = (token, now + IDENTITY_TTL / 2)
        return token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.local(scope, receive, send)
            return
        if scope["type"] == "websocket":  # uvicorn is run without WebSocket support; in process, refuse it
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            return
        state = scope.setdefault("state", {})  # read by the request context: the caller, the target service
        client = scope.get("client")
        if client and self.client_address.trusted:
            # from here on (limits, logs, the services' X-Forwarded-For) the client is who the proxy says
            scope["client"] = (self.client_address.of(client[0], scope["headers"]), client[1])
        if wants_websocket(scope["headers"]):
            await problem_response(
                BAD_REQUEST,
                language_of(scope["headers"]),
                "This API speaks plain HTTP; it offers no WebSocket.",
                headers={"Connection": "close"},
            )(scope, receive, send)
            return
        path = scope["path"]
        if not path.startswith("/api/v1/"):
            if path == "/openapi.json" and (wait := self._document_wait(scope)):
                await problem_response(
                    TOO_MANY_REQUESTS,
                    language_of(scope["headers"]),
                    "Too many reads of the API document from this address; it changes rarely, keep a copy.",
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                )(scope, receive, send)
                return
            await self.local(scope, receive, send)
            return
        if not plain_path(path, scope.get("raw_path")):
            await problem_response(NOT_FOUND, language_of(scope["headers"]), "No API resource at this path.")(
                scope, receive, send
            )
            return
        try:
            resources = resources_of(self.local.state)
            caller = state["caller"] = await self._authenticate(resources.auth, scope)
            route = await self._admit(resources.limiter, caller, scope["method"], path)
        except AppError as exc:
            await exc.to_response(language_of(scope["headers"]))(scope, receive, send)
            return
        if not is_upload(scope["method"], path):
            limit = self.settings.max_body_bytes
            length = declared_length(scope)
            if length is not None and length > limit:  # refused before a byte of it is read
                response = BodyTooLarge(limit).error.to_response(language_of(scope["headers"]))
                response.headers["Connection"] = "close"
                await response(scope, receive, send)
                return
            receive = limited_receive(receive, limit)  # a body without a length is counted as it comes
        service = owner_of(path)
        if service is None:
            if resources.api_keys is None and path.startswith(("/api/v1/api-keys", "/api/v1/audit/gateway")):
                await problem_response(
                    SERVICE_UNAVAILABLE,
                    language_of(scope["headers"]),
                    "API keys and their audit trail need the gateway's database (GATEWAY_DATABASE_URL).",
                    headers={"Retry-After": "60"},
                )(scope, receive, send)
                return
            await self.local(scope, receive, send)
            return
        state["target"] = service
        upstream = resources.upstreams.get(service)
        if upstream is None:
            await problem_response(
                SERVICE_UNAVAILABLE,
                language_of(scope["headers"]),
                "The {service} service is not part of this deployment.",
                values={"service": service},
                headers={"Retry-After": "60"},
            )(scope, receive, send)
            return
        async with contextlib.AsyncExitStack() as held:
            try:
                await held.enter_async_context(self._place(caller, scope["method"], path, service, route))
            except AppError as exc:
                await exc.to_response(language_of(scope["headers"]))(scope, receive, send)
                return
            rid = request_id_var.get() or ""
            await forward(scope, receive, send, upstream, self.identity_for(caller), rid)

    def _document_wait(self, scope: Scope) -> float:
        """The merged document is anonymous and large: reads are limited per client address."""
        address = scope["client"][0] if scope.get("client") else ""
        return self.document_reads.take(address, *self.document_bucket)

    async def _authenticate(self, auth: Authenticator, scope: Scope) -> Caller:
        """The caller. Credentials that verify always pass; an address whose credentials keep failing gets 429.

        Only failed credential checks count: a request without credentials is a plain 401 (browsers and
        monitors send those), and one caller's guesses never lock out the good callers sharing its address.
        """
        try:
            return await auth.authenticate(scope["headers"])
        except NoCredentials:
            raise
        except Unauthorized:
            address = scope["client"][0] if scope.get("client") else ""
            wait = self.failures.take(address, *self.failure_bucket)
            if wait:
                raise AppError(
                    TOO_MANY_FAILED_AUTHENTICATIONS,
                    "Too many failed authentications from this address; wait before trying again.",
                    headers={"Retry-After": str(max(1, math.ceil(wait)))},
                ) from None
            raise

    def _place(
        self, caller: Caller, method: str, path: str, service: str, route: policy.RouteClass
    ) -> contextlib.AbstractAsyncContextManager[None]:
        """What the request holds while it runs: an upload place of its caller's, nothing for a download of
        content, else a place in its route's and its service's bounded concurrency."""
        if is_upload(method, path):
            return self.uploads.slot(caller.owner)
        if method in ("GET", "HEAD") and path.endswith("/content"):
            return contextlib.nullcontext()
        return self.gates.slot(service, f"{method} {route.template}")

    async def _admit(self, limiter: RateLimiter, caller: Caller, method: str, path: str) -> policy.RouteClass:
        """Rate limit, then the route class: a route the table does not name is refused here (404, or 405 when
        the path has other methods), and so is a role that may never do this (403)."""
        wait = await limiter.retry_after(caller.role, f"{caller.auth}:{caller.subject}")
        if wait:
            raise AppError(
                TOO_MANY_REQUESTS, "Too many requests from this caller; slow down.", headers={"Retry-After": str(wait)}
            )
        route = policy.route_class(method, path)
        if route is None:  # deny unless listed: a route the table does not name reaches no service
            allowed = policy.methods_at(path)
            if allowed:
                raise AppError(METHOD_NOT_ALLOWED, headers={"Allow": ", ".join(allowed)})
            raise AppError(NOT_FOUND, "No API resource at this path.")
        if caller.role not in route.roles:
            raise AppError(
                FORBIDDEN,
                "The role '{role}' may not do this ({route_class}).",
                extra={"route_class": route.name},
                role=str(caller.role),
                route_class=route.name,
            )
        return route


def wants_websocket(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(name == b"upgrade" and b"websocket" in value.lower() for name, value in headers)


def plain_path(path: str, raw_path: bytes | None) -> bool:
    """No dot segments, empty segments or encoded slashes: what the route table judged is what the service gets."""
    if "//" in path or "/./" in path or "/../" in path or path.endswith(("/.", "/..")):
        return False
    return raw_path is None or b"%2f" not in raw_path.lower()


def span_name(scope: Scope) -> str:
    """A request's span: its method and route template (never the raw path: ids would make every name new)."""
    method, path = scope["method"], scope["path"]
    if path.startswith("/api/v1/"):
        route = policy.route_class(method, path)
        return f"{method} {route.template if route is not None else '/api/v1/*'}"
    return f"{method} {path}" if path in ("/openapi.json", "/docs") else method


def create_app(settings: Settings | None = None) -> ASGIApp:
    """The gateway; with tracing on (smartcity_kit.tracing), inside a span per request that the services continue."""
    settings = settings or Settings()
    configure_logging("gateway", settings.log_level)
    return Gateway(settings).served()


def with_cors(gateway: ASGIApp, settings: Settings) -> ASGIApp:
    origins = settings.cors_origin_list()
    if not origins:
        return gateway
    return CORSMiddleware(
        gateway,
        allow_origins=origins,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"],
        allow_headers=[
            "authorization",
            "x-api-key",
            "content-type",
            "if-match",
            "if-none-match",
            "idempotency-key",
            "x-request-id",
            "range",
        ],
        expose_headers=["etag", "x-request-id", "retry-after", "location", "content-disposition"],
        max_age=600,
    )
