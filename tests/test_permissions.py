"""The gateway's route classes and the services' named permissions say the same thing, route by route.

A service names each permission once (`CanManageProgramme = require_roles(...)` in its access module) and a
route states it; the gateway refuses the other roles first (gateway/gateway/policy.py). For every route a
service offers through the gateway: a route with a permission is open at the gateway to exactly its roles; a
route without one (the service narrows by scope: own region, assigned mentor) is open there to every role.
An auditor passes every read on both sides and no write.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import import_module

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from gateway.apikeys.router import router as api_keys_router
from gateway.policy import route_class
from gateway.routing import owner_of
from smartcity_kit.identity import READ_METHODS, ROLES, Role, RoleCheck

SERVICES = ("participants", "mentoring", "documents", "monitoring", "reports", "webhooks")
SECRET = "permissions-test-secret-of-32-chars-or-more"


def concrete(template: str) -> str:
    """A path the template matches: each parameter `x`."""
    return re.sub(r"\{[^}]+\}", "x", template)


def at_the_gateway(method: str, template: str) -> frozenset[Role]:
    """The roles the gateway lets through to `method template` (none when its table does not name it)."""
    found = route_class(method, concrete(template))
    return found.roles if found is not None else frozenset()


def at_the_service(method: str, permission: frozenset[Role] | None) -> frozenset[Role]:
    """The roles the route's permission lets through (every role without one); an auditor reads, never writes."""
    roles = permission if permission is not None else frozenset(ROLES)
    return roles | {Role.AUDITOR} if method in READ_METHODS else roles - {Role.AUDITOR}


def checks(dependant: Dependant) -> Iterator[RoleCheck]:
    for dependency in dependant.dependencies:
        if isinstance(dependency.call, RoleCheck):
            yield dependency.call
        yield from checks(dependency)


def disagreements(routes: list[RouteContext], owner: str | None) -> list[str]:
    found = []
    for route in routes:
        if not route.path.startswith("/api/v1/") or owner_of(concrete(route.path)) != owner:
            continue  # a path the gateway routes elsewhere (or nowhere) is not reached through it
        permissions = [check.roles for check in checks(route.dependant)]
        permission = frozenset.intersection(*permissions) if permissions else None
        for method in route.methods:
            gateway_roles = at_the_gateway(method, route.path)
            service_roles = at_the_service(method, permission)
            if gateway_roles != service_roles:
                found.append(
                    f"{owner}: {method} {route.path}: the gateway lets {sorted(gateway_roles)}, "
                    f"the service {sorted(service_roles)}"
                )
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_each_route_of_the_service_is_open_at_the_gateway_to_the_roles_its_permission_names(service: str):
    settings = import_module(f"{service}.settings").Settings(
        database_url="postgresql://nobody@localhost/none", internal_secret=SECRET
    )
    app = import_module(f"{service}.main").create_app(settings)
    routes = [route for route in iter_route_contexts(app.routes) if route.path.startswith("/api/v1/")]
    assert len(routes) >= 5
    assert disagreements(routes, service) == []


def test_the_gateways_own_api_keys_routes_agree_with_their_permission():
    routes = list(iter_route_contexts([route for route in api_keys_router.routes if isinstance(route, APIRoute)]))
    assert len(routes) == 3
    assert disagreements(routes, None) == []  # the gateway owns them: no service does
