"""One OpenAPI 3.1 document for the whole platform, merged from the services' own documents.

Names are what every common client generator resolves (letters and digits):
each service's components take the service's name before theirs
(`ParticipantsRegionOut`, `ParticipantsPageRegionOut` for pydantic's
`Page_RegionOut_`), except those every document that declares them declares
alike (the kit's `Problem`, `AuditEntry`, `EventPage`, a vocabulary's enum),
which keep one name of their own; every `$ref` is rewritten to match. An
operation's id is the service, a dot and the service's own id
(`participants.listRegions`, see smartcity_kit.openapi). Each document's
top-level `tags`, with their descriptions, become the merged document's. A
service publishes only the paths the routing table gives it; the per-service
events feeds (and audit trails) become one path with an enum. Each service's
event types (its document's `webhooks`) are the platform's event catalogue: the
merged document's `webhooks`, and `GET /api/v1/event-types` (eventtypes.py). A
service that is down is left out and named in `info`; it is fetched again on
the next read of the document and by a periodic refresh, so it fills in when it
comes back.
"""

from __future__ import annotations

import asyncio
import copy
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp
import orjson
import structlog
from smartcity_kit.generic_problems import (
    FORBIDDEN,
    GATEWAY_TIMEOUT,
    SERVICE_BUSY,
    SERVICE_UNAVAILABLE,
    TOO_MANY_REQUESTS,
    UNAUTHORIZED,
)

from .eventtypes import event_type_list
from .problems import CREDENTIALS_EXPIRED, TOO_MANY_FAILED_AUTHENTICATIONS, TOO_MANY_UPLOADS
from .problemtypes import merged_problem_types, problem_type_list
from .routing import owner_of
from .uploads import is_upload

log = structlog.get_logger("openapi")

EVENTS_PATH = "/api/v1/events/{service}"
AUDIT_PATH = "/api/v1/audit/{service}"
# the paths every service serves alike, each one path with `service` as an enum: (operation id, summary, whose)
SHARED_PATHS = {
    EVENTS_PATH: ("events.readFeed", "Read a service's events feed", "Whose feed"),
    AUDIT_PATH: (
        "audit.readTrail",
        "Read a service's audit trail: who changed what, when, from what to what",
        "Whose trail",
    ),
}
# the gateway the document is read from; a client generated from the committed document is given its address
SERVER = {"url": "/", "description": "The gateway this document is read from."}
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


# what the gateway itself answers on any operation before (or instead of) the service: its own Problem
GATEWAY = "gateway"
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "required": True,
        "schema": {"type": "integer", "minimum": 0},
    }
}
# status: (description, with Retry-After, the codes the gateway gives with it)
GATEWAY_STATUSES: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "401": ("Missing or invalid credentials.", False, (UNAUTHORIZED.code, CREDENTIALS_EXPIRED.code)),
    "403": ("The caller's role may never do this.", False, (FORBIDDEN.code,)),
    "429": (
        "Too many requests from this caller, or failed authentications from this address.",
        True,
        (TOO_MANY_REQUESTS.code, TOO_MANY_FAILED_AUTHENTICATIONS.code),
    ),
    "503": ("The owning service is not reachable.", True, (SERVICE_UNAVAILABLE.code, SERVICE_BUSY.code)),
    "504": ("The owning service did not answer in time.", True, (GATEWAY_TIMEOUT.code,)),
}


def add_gateway_responses(paths: dict[str, Any], problem: str) -> None:
    """Every operation also declares what the gateway answers itself, as problem+json (`problem`, a `$ref`) with
    Retry-After, and the codes it gives besides the service's."""
    for path, item in paths.items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, retry, codes) in GATEWAY_STATUSES.items():
                own = responses.get(status, {}).get("x-problem-codes", [])
                if status == "429" and is_upload(method.upper(), path):
                    codes = (*codes, TOO_MANY_UPLOADS.code)
                response: dict[str, Any] = {
                    "description": description,
                    "x-problem-codes": sorted({*own, *codes}),
                    "content": {"application/problem+json": {"schema": {"$ref": problem}}},
                }
                if retry:
                    response["headers"] = copy.deepcopy(RETRY_AFTER)
                if status not in responses or retry:
                    responses[status] = response
                else:
                    responses[status]["x-problem-codes"] = response["x-problem-codes"]


def pascal_case(name: str) -> str:
    """`participants` -> `Participants`, `Page_RegionOut_` -> `PageRegionOut`, `event.Score` -> `EventScore`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name))


Components = dict[str, dict[str, Any]]


def shared_components(documents: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(kind, name) of the components two or more documents declare, every one alike, and that refer only to
    components shared too: one of them stands for all under its own name."""
    bodies: dict[tuple[str, str], list[Any]] = {}
    for document in documents:
        for kind, entries in document.get("components", {}).items():
            for name, body in entries.items():
                bodies.setdefault((kind, name), []).append(body)
    shared = {key for key, found in bodies.items() if len(found) > 1 and all(b == found[0] for b in found)}
    while True:  # a shared body referring to a component that is not shared cannot be shared
        keep = {key for key in shared if all(_target(ref) in shared for ref in _refs(bodies[key][0]))}
        if keep == shared:
            return shared
        shared = keep


def _target(ref: str) -> tuple[str, str] | None:
    if not ref.startswith("#/components/"):
        return None
    _, _, kind, name = ref.split("/", 3)
    return kind, name


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


class Namer:
    """The merged document's name of a service's component."""

    def __init__(self, shared: set[tuple[str, str]]) -> None:
        self.shared = shared

    def name(self, namespace: str, kind: str, name: str) -> str:
        return pascal_case(name) if (kind, name) in self.shared else pascal_case(namespace) + pascal_case(name)

    def ref(self, namespace: str, ref: str) -> str:
        target = _target(ref)
        if target is None:
            return ref
        kind, name = target
        return f"#/components/{kind}/{self.name(namespace, kind, name)}"

    def component(self, namespace: str, kind: str, name: str, body: Any) -> tuple[str, Any]:
        """(its name, its body with references rewritten); a schema's `title` is its name, since generators name
        their classes after it: two services' `Assessment` are two classes."""
        new_name = self.name(namespace, kind, name)
        new_body = self.rewrite(body, namespace)
        if isinstance(new_body, dict) and "title" in new_body:
            new_body["title"] = new_name
        return new_name, new_body

    def rewrite(self, node: Any, namespace: str) -> Any:
        if isinstance(node, dict):
            return {
                key: self.ref(namespace, value)
                if key == "$ref" and isinstance(value, str)
                else self.rewrite(value, namespace)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self.rewrite(item, namespace) for item in node]
        return node


def namespaced(
    document: dict[str, Any], namespace: str, namer: Namer
) -> tuple[dict[str, Any], dict[str, list[tuple[str, Any]]], dict[str, Any]]:
    """(paths, components as (name, body) of each kind, webhooks) of one document, its components and references
    named by `namer`, its operation ids under `namespace.`."""
    paths = namer.rewrite(document.get("paths", {}), namespace)
    webhooks = namer.rewrite(document.get("webhooks", {}), namespace)
    for item in [*paths.values(), *webhooks.values()]:
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                operation["operationId"] = f"{namespace}.{operation['operationId']}"
    components: dict[str, list[tuple[str, Any]]] = {}
    for kind, entries in document.get("components", {}).items():
        if kind == "securitySchemes":
            continue
        components[kind] = [namer.component(namespace, kind, name, body) for name, body in entries.items()]
    return paths, components, webhooks


def _merge_shared(path: str, items: list[tuple[str, dict[str, Any]]], services: list[str]) -> dict[str, Any]:
    """Feeds (and audit trails) share one shape: the first one's operation, with `service` an enum of them all."""
    operation_id, summary, whose = SHARED_PATHS[path]
    item = copy.deepcopy(items[0][1])
    for method, operation in item.items():
        if not isinstance(operation, dict):
            continue
        operation["summary"] = summary
        operation["operationId"] = operation_id if method == "get" else f"{operation_id}{pascal_case(method)}"
        for parameter in operation.get("parameters", []):
            if parameter.get("in") == "path" and parameter.get("name") == "service":
                parameter["schema"] = {"type": "string", "enum": services, "title": "Service"}
                parameter["description"] = f"{whose}: " + ", ".join(services) + "."
    return item


def feed_services(names: Iterable[str]) -> list[str]:
    """The services among `names` that have an events feed: a service without one (reports reads the others')
    is not one of the feeds' enum's values."""
    return [name for name in names if owner_of(f"{EVENTS_PATH.removesuffix('{service}')}{name}") == name]


def merge(
    gateway_document: dict[str, Any],
    service_documents: dict[str, dict[str, Any] | None],
    *,
    event_services: list[str],
    oidc_issuer: str = "",
    owner: Callable[[str], str | None] = owner_of,
) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    components: Components = {}
    webhooks: dict[str, Any] = {}
    shared: dict[str, list[tuple[str, dict[str, Any]]]] = {path: [] for path in SHARED_PATHS}
    tags: dict[str, None] = {}
    sources = [(GATEWAY, gateway_document)] + sorted(
        (name, doc) for name, doc in service_documents.items() if doc is not None
    )
    namer = Namer(shared_components([document for _, document in sources]))
    for name, document in sources:
        own_paths, own_components, own_webhooks = namespaced(document, name, namer)
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
            if name != GATEWAY and owner(path) != name:
                log.warning("path not owned by the service left out", upstream=name, path=path)
                continue
            if path in paths:
                continue
            paths[path] = item
            for operation in item.values():
                for tag in operation.get("tags", []) if isinstance(operation, dict) else []:
                    tags.setdefault(tag)
        for kind, entries in own_components.items():
            for component, body in entries:
                taken = components.setdefault(kind, {}).setdefault(component, body)
                if taken != body:  # two names that read alike once made letters and digits: a mistake to see
                    log.warning("component name taken twice left out", upstream=name, component=component)
    for path, items in shared.items():
        if not items:
            continue
        # only the services that serve one (the webhooks service has no feed, reports no audit trail)
        serving = [name for name, _ in items]
        if path == EVENTS_PATH:
            serving = [s for s in event_services if s in serving]
        paths[path] = _merge_shared(path, items, serving)
        tags.setdefault(path.split("/")[3])
    add_gateway_responses(paths, namer.ref(GATEWAY, "#/components/schemas/Problem"))
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
        "servers": [SERVER],
        "paths": dict(sorted(paths.items())),
        "webhooks": dict(sorted(webhooks.items())),
        "x-problem-types": merged_problem_types([document for _, document in sources]),
        "components": components,
        "security": security,
        "tags": declared_tags([*service_documents.values(), gateway_document], used=tags),
    }


def declared_tags(documents: list[dict[str, Any] | None], *, used: Iterable[str]) -> list[dict[str, Any]]:
    """The tags the operations use, as the documents declare them (the first declaration of a name, in the
    documents' order), then any no document declares, by name only."""
    declared: dict[str, dict[str, Any]] = {}
    for document in documents:
        for tag in (document or {}).get("tags", []):
            declared.setdefault(tag["name"], tag)
    used = set(used)
    return [tag for name, tag in declared.items() if name in used] + [
        {"name": name} for name in sorted(used - declared.keys())
    ]


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
        self._problem_types: bytes | None = None
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

    async def problem_types(self) -> bytes:
        """`GET /api/v1/problem-types`, from the same documents as the merged one."""
        await self.body()
        assert self._problem_types is not None
        return self._problem_types

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
            event_services=feed_services(self.sessions),
            oidc_issuer=self.oidc_issuer,
        )
        self._body = orjson.dumps(merged)
        self._event_types = orjson.dumps(event_type_list(merged).model_dump(mode="json", by_alias=True))
        self._problem_types = orjson.dumps(problem_type_list(merged).model_dump(mode="json"))

    async def _refresh_forever(self) -> None:
        while True:
            await self.fetch(list(self.sessions))
            await asyncio.sleep(self.refresh)
