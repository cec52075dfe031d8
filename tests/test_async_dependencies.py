"""What keeps every service's request path cheap, checked on the apps themselves (bench/hot_reads.md has the figures).

FastAPI runs a plain `def` dependency or endpoint in its thread pool: a worker thread woken and the loop woken
back, about 0.18 ms of CPU per request on the regions read, more than all the kit's middleware together. Nothing
a route depends on does blocking I/O, so every dependency and endpoint is `async def` (or an async generator).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import _is_async_gen_callable, _is_coroutine_callable
from fastapi.routing import iter_route_contexts
from gateway.main import Gateway
from gateway.settings import Settings as GatewaySettings

SERVICES = ("participants", "mentoring", "documents", "monitoring", "reports", "webhooks")
SECRET = "request-path-test-secret-of-32-chars-or-more"
UNUSED_DATABASE = "postgresql://nobody@localhost/none"


def name(call: Any) -> str:
    return getattr(call, "__qualname__", type(call).__qualname__)


def in_thread_pool(dependant: Dependant) -> Iterator[str]:
    """What of `dependant` (itself and its dependencies, depth first) FastAPI would call in its thread pool."""
    call = dependant.call
    if call is not None and not (_is_coroutine_callable(call) or _is_async_gen_callable(call)):
        yield name(call)
    for dependency in dependant.dependencies:
        yield from in_thread_pool(dependency)


def threaded(app: FastAPI) -> list[str]:
    found = []
    for route in fastapi_routes(app):
        found += [f"{sorted(route.methods or ())} {route.path}: {call}" for call in in_thread_pool(route.dependant)]
    return found


def fastapi_routes(app: FastAPI) -> list[Any]:
    # plain Starlette routes (the document, docs pages) have no dependant
    return [route for route in iter_route_contexts(app.routes) if getattr(route, "dependant", None) is not None]


@pytest.mark.parametrize("service", SERVICES)
def test_no_route_of_the_service_runs_anything_in_the_thread_pool(service: str):
    settings = import_module(f"{service}.settings").Settings(database_url=UNUSED_DATABASE, internal_secret=SECRET)
    app = import_module(f"{service}.main").create_app(settings)
    assert len(fastapi_routes(app)) >= 8
    assert threaded(app) == []


def test_no_route_of_the_gateway_runs_anything_in_the_thread_pool():
    settings = GatewaySettings(embedded_issuer=False, oidc_issuer="", database_url=UNUSED_DATABASE)
    app = Gateway(settings).local
    assert len(fastapi_routes(app)) >= 5
    assert threaded(app) == []


def test_a_plain_def_dependency_is_found():
    from fastapi import Depends

    app = FastAPI()

    def settings() -> dict[str, str]:
        return {}

    @app.get("/x")
    async def read(_: dict[str, str] = Depends(settings)) -> None:
        return None

    assert threaded(app) == ["['GET'] /x: test_a_plain_def_dependency_is_found.<locals>.settings"]
