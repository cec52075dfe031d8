"""One OpenAPI 3.1 document for the whole platform, merged from the services' own documents.

Each service's components are namespaced (`participants.RegionOut`) and every
`$ref` and `operationId` rewritten to match, so nothing clashes; a service
publishes only the paths the routing table gives it; the per-service events
feeds become one path with an enum. Each service's event types (its document's
`webhooks`) are the platform's event catalogue: the merged document's
`webhooks`, and `GET /api/v1/event-types` (eventtypes.py). A service that is down is left out and
named in `info`; it is fetched again on the next read of the document and by a
periodic refresh, so it fills in when it comes back.
"""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson
import structlog

from .eventtypes import event_type_list
from .routing import owner_of

log = structlog.get_logger("openapi")

EVENTS_PATH = "/api/v1/events/{service}"
AUDIT_PATH = "/api/v1/audit/{service}"
# the paths every service serves alike, each one path with `service` as an enum: (operation id, summary, whose)
SHARED_PATHS = {
    EVENTS_PATH: ("events_read", "Read a service's events feed", "Whose feed"),
    AUDIT_PATH: (
        "audit_read",
        "Read a service's audit trail: who changed what, when, from what to what",
        "Whose trail",
    ),
}
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A token from the organisation's OpenID Connect provider, or from `gateway-token`.",
    },
    "apiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A partner system's key, made through `POST /api/v1/api-keys`.",
    },
}


# what the gateway itself answers on any operation before (or instead of) the service
GATEWAY_PROBLEM = "#/components/schemas/gateway.Problem"
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
GATEWAY_STATUSES: dict[str, tuple[str, bool]] = {
    "401": ("Missing or invalid credentials.", False),
    "403": ("The caller's role may never do this.", False),
    "429": ("Too many requests from this caller, or failed authentications from this address.", True),
    "503": ("The owning service is not reachable.", True),
    "504": ("The owning service did not answer in time.", True),
}


def add_gateway_responses(paths: dict[str, Any]) -> None:
    """Every operation also declares what the gateway answers itself, as problem+json (with Retry-After)."""
    for item in paths.values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, retry) in GATEWAY_STATUSES.items():
                response: dict[str, Any] = {
                    "description": description,
                    "content": {"application/problem+json": {"schema": {"$ref": GATEWAY_PROBLEM}}},
                }
                if retry:
                    response["headers"] = copy.deepcopy(RETRY_AFTER)
                if status not in responses or retry:
                    responses[status] = response


def _rewrite_refs(node: Any, namespace: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("#/components/"):
                _, _, kind, name = value.split("/", 3)
                out[key] = f"#/components/{kind}/{namespace}.{name}"
            else:
                out[key] = _rewrite_refs(value, namespace)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(item, namespace) for item in node]
    return node


def namespaced(
    document: dict[str, Any], namespace: str
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], dict[str, Any]]:
    """(paths, components, webhooks) of one document with every component name and reference under `namespace.`."""
    paths = _rewrite_refs(document.get("paths", {}), namespace)
    webhooks = _rewrite_refs(document.get("webhooks", {}), namespace)
    for item in [*paths.values(), *webhooks.values()]:
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = f"{namespace}_{operation['operationId']}"
    components: dict[str, dict[str, Any]] = {}
    for kind, entries in document.get("components", {}).items():
        if kind == "securitySchemes":
            continue
        components[kind] = {f"{namespace}.{name}": _rewrite_refs(body, namespace) for name, body in entries.items()}
    return paths, components, webhooks


def _merge_shared(path: str, items: list[tuple[str, dict[str, Any]]], services: list[str]) -> dict[str, Any]:
    """Feeds (and audit trails) share one shape: the first one's operation, with `service` an enum of them all."""
    operation_id, summary, whose = SHARED_PATHS[path]
    item = copy.deepcopy(items[0][1])
    for method, operation in item.items():
        if not isinstance(operation, dict):
            continue
        operation["summary"] = summary
        operation["operationId"] = f"{operation_id}_{method}"
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and parameter.get("name") == "service":
                parameter["schema"] = {"type": "string", "enum": services, "title": "Service"}
                parameter["description"] = f"{whose}: " + ", ".join(services) + "."
    return item


def merge(
    gateway_document: dict[str, Any],
    service_documents: dict[str, dict[str, Any] | None],
    *,
    event_services: list[str],
    oidc_issuer: str = "",
    owner: Callable[[str], str | None] = owner_of,
) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    components: dict[str, dict[str, Any]] = {}
    webhooks: dict[str, Any] = {}
    shared: dict[str, list[tuple[str, dict[str, Any]]]] = {path: [] for path in SHARED_PATHS}
    tags: dict[str, None] = {}
    sources = [("gateway", gateway_document)] + sorted(
        (name, doc) for name, doc in service_documents.items() if doc is not None
    )
    for name, document in sources:
        own_paths, own_components, own_webhooks = namespaced(document, name)
        for event_type, item in own_webhooks.items():
            if event_type in webhooks:  # one service owns an event type; a second is a mistake to see in the log
                log.warning("event type declared twice left out", upstream=name, event_type=event_type)
                continue
            webhooks[event_type] = item
            tags.setdefault("events")
        for path, item in own_paths.items():
            if not path.startswith("/api/v1/"):
                continue
            if path in shared:
                shared[path].append((name, item))
                continue
            if name != "gateway" and owner(path) != name:
                log.warning("path not owned by the service left out", upstream=name, path=path)
                continue
            if path in paths:
                continue
            paths[path] = item
            for operation in item.values():
                for tag in operation.get("tags", []) if isinstance(operation, dict) else []:
                    tags.setdefault(tag)
        for kind, entries in own_components.items():
            components.setdefault(kind, {}).update(entries)
    for path, items in shared.items():
        if not items:
            continue
        # only the services that serve one (the webhooks service has no feed, reports no audit trail)
        serving = [name for name, _ in items]
        if path == EVENTS_PATH:
            serving = [s for s in event_services if s in serving]
        paths[path] = _merge_shared(path, items, serving)
        tags.setdefault(path.split("/")[3])
    add_gateway_responses(paths)
    schemes = dict(SECURITY_SCHEMES)
    security: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
    if oidc_issuer:
        schemes["openIdConnect"] = {
            "type": "openIdConnect",
            "openIdConnectUrl": oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
            "description": "Operators sign in at the organisation's provider: authorization code flow with PKCE.",
        }
        security.append({"openIdConnect": []})
    components["securitySchemes"] = schemes
    missing = sorted(name for name, doc in service_documents.items() if doc is None)
    description = "Every `/api/v1` endpoint of the Smart City platform, through its gateway."
    if missing:
        description += f"\n\nNot available right now (retried on the next read): {', '.join(missing)}."
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Gerakan Menuju 100 Smart City API",
            "version": "1.0.0",
            "description": description,
            "x-services": {
                name: ("present" if doc is not None else "unavailable") for name, doc in service_documents.items()
            },
        },
        "paths": dict(sorted(paths.items())),
        "webhooks": dict(sorted(webhooks.items())),
        "components": components,
        "security": security,
        "tags": [{"name": tag} for tag in tags],
    }


class MergedDocument:
    """The merged document, kept as bytes; rebuilt when a service's document changes or comes back."""

    def __init__(
        self,
        *,
        sessions: dict[str, tuple[aiohttp.ClientSession, str]],
        gateway_document: Callable[[], dict[str, Any]],
        oidc_issuer: str = "",
        refresh: float = 60.0,
        timeout: float = 3.0,
        retry_missing_after: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.gateway_document = gateway_document
        self.oidc_issuer = oidc_issuer
        self.refresh = refresh
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.retry_missing_after = retry_missing_after
        self.documents: dict[str, dict[str, Any] | None] = dict.fromkeys(sessions)
        self._body: bytes | None = None
        self._event_types: bytes | None = None
        self._tried_missing_at = 0.0
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._refresh_forever(), name="openapi-refresh")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def body(self) -> bytes:
        missing = [name for name, doc in self.documents.items() if doc is None]
        if missing and time.monotonic() - self._tried_missing_at >= self.retry_missing_after:
            await self.fetch(missing)
        if self._body is None:
            self._rebuild()
        assert self._body is not None
        return self._body

    async def event_types(self) -> bytes:
        """`GET /api/v1/event-types`, from the same documents as the merged one."""
        await self.body()
        assert self._event_types is not None
        return self._event_types

    async def fetch(self, names: list[str]) -> None:
        async with self._lock:
            self._tried_missing_at = time.monotonic()
            found = await asyncio.gather(*(self._fetch_one(name) for name in names))
            changed = False
            for name, document in zip(names, found, strict=True):
                # a service that stops answering keeps its last document: its paths did not go away
                if document is not None and document != self.documents[name]:
                    self.documents[name] = document
                    changed = True
            if changed or self._body is None:
                self._rebuild()

    async def _fetch_one(self, name: str) -> dict[str, Any] | None:
        session, base_url = self.sessions[name]
        try:
            async with session.get(base_url + "/openapi.json", timeout=self.timeout) as response:
                if response.status != 200:
                    return None
                document = orjson.loads(await response.read())
                return document if isinstance(document, dict) and "paths" in document else None
        except (TimeoutError, aiohttp.ClientError, orjson.JSONDecodeError) as exc:
            log.info("service document not available", upstream=name, error=repr(exc))
            return None

    def _rebuild(self) -> None:
        merged = merge(
            self.gateway_document(),
            self.documents,
            # a service without a feed (reports reads the others') is not one of the enum's values
            event_services=[s for s in self.sessions if owner_of(f"/api/v1/events/{s}") == s],
            oidc_issuer=self.oidc_issuer,
        )
        self._body = orjson.dumps(merged)
        self._event_types = orjson.dumps(event_type_list(merged).model_dump(mode="json", by_alias=True))

    async def _refresh_forever(self) -> None:
        while True:
            await self.fetch(list(self.sessions))
            await asyncio.sleep(self.refresh)
