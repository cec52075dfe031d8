"""Who manages which endpoint: staff all, a region its region's, a partner (API key or user) its own."""

from __future__ import annotations

import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import Caller, CallerDep, Role, require_roles
from smartcity_kit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from .endpoints.models import Endpoint

# who manages endpoints, named once (the gateway's table says the same, tests/test_permissions.py): staff for
# partner systems, a partner for itself, a region for its own region (scope_endpoints narrows each)
Subscriber = require_roles(Role.ADMIN, Role.OPERATOR, Role.REGION, Role.PARTNER)


def scope_endpoints(stmt: sa.Select[Endpoint], caller: Caller) -> sa.Select[Endpoint]:
    """`stmt` (selecting from endpoints) narrowed to what `caller` may see and change."""
    if caller.is_staff or caller.role == Role.AUDITOR:  # an auditor reads them all; the gateway refuses its writes
        return stmt
    if caller.role == Role.REGION and caller.region_code:
        return stmt.where(Endpoint.owner_role == Role.REGION, Endpoint.region_code == caller.region_code)
    if caller.role == Role.PARTNER:
        return stmt.where(Endpoint.owner_role == Role.PARTNER, Endpoint.owner_subject == caller.subject)
    return stmt.where(sa.false())


async def endpoint_or_404(
    session: AsyncSession, caller: Caller, endpoint_id: uuid.UUID, *, lock: bool = False
) -> Endpoint:
    """The endpoint if `caller` may see it; 404 otherwise, so that existence does not leak."""
    stmt = scope_endpoints(sa.select(Endpoint).where(Endpoint.id == endpoint_id), caller)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    endpoint: Endpoint | None = (await session.execute(stmt)).scalar_one_or_none()
    if endpoint is None:
        raise NotFound("No webhook endpoint {endpoint_id} is visible to you.", endpoint_id=endpoint_id)
    return endpoint


async def visible_endpoint(endpoint_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Endpoint:
    """The path's endpoint as `caller` may see it (404 otherwise), for the routes that read it."""
    return await endpoint_or_404(session, caller, endpoint_id)


async def locked_endpoint(endpoint_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Endpoint:
    """The same, locked until the request's transaction ends, for the routes that change it (the only row they
    lock, so taking it first orders nothing else)."""
    return await endpoint_or_404(session, caller, endpoint_id, lock=True)


# a route names the endpoint of its path once: `endpoint: VisibleEndpoint` to read it, `LockedEndpoint` to change it
VisibleEndpoint = Annotated[Endpoint, Depends(visible_endpoint)]
LockedEndpoint = Annotated[Endpoint, Depends(locked_endpoint)]
