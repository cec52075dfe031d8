"""HTTP routes of endpoints: register, list, read, change (If-Match), disable, enable, delete, rotate."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, require_if_match, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses

from ..access import LockedEndpoint, Subscriber, VisibleEndpoint, scope_endpoints
from ..problems import WEBHOOK_URL_REFUSED
from ..settings import Settings
from . import service
from .known_types import KnownTypes
from .models import Endpoint
from .schemas import EndpointCreated, EndpointIn, EndpointOut, EndpointPatch, Rotated, RotationIn

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], dependencies=[Subscriber])


async def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


async def _known_types(request: Request) -> KnownTypes:
    known: KnownTypes = request.app.state.known_types
    return known


KnownTypesDep = Annotated[KnownTypes, Depends(_known_types)]


def etag(endpoint: Endpoint) -> str:
    return etag_of([str(endpoint.id), endpoint.version])


@router.post(
    "",
    status_code=201,
    response_model=EndpointCreated,
    responses=problem_responses(401, 403, 422, WEBHOOK_URL_REFUSED),
)
async def register_endpoint(
    data: EndpointIn,
    session: SessionDep,
    caller: CallerDep,
    settings: SettingsDep,
    known: KnownTypesDep,
    response: Response,
) -> EndpointCreated:
    created = await service.register(session, caller, data, settings, known)
    response.headers["Location"] = f"/api/v1/webhooks/{created.id}"
    return created


@router.get("", response_model=Page[EndpointOut], responses=problem_responses(401, 403, 422))
async def list_endpoints(
    session: SessionDep, caller: CallerDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[EndpointOut]:
    rows, next_cursor = await keyset_page(
        session,
        scope_endpoints(sa.select(Endpoint), caller),
        keys=[Endpoint.created_at, Endpoint.id],
        key_of=lambda e: [e.created_at.isoformat(), str(e.id)],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    return Page[EndpointOut](items=[await service.endpoint_out(session, e) for e in rows], next_cursor=next_cursor)


@router.get("/{endpoint_id}", response_model=EndpointOut, responses=problem_responses(401, 403, 404, 422))
async def read_endpoint(endpoint: VisibleEndpoint, session: SessionDep, response: Response) -> EndpointOut:
    set_etag(response, etag(endpoint))
    return await service.endpoint_out(session, endpoint)


@router.patch(
    "/{endpoint_id}",
    response_model=EndpointOut,
    responses=problem_responses(401, 403, 404, 412, 422, WEBHOOK_URL_REFUSED, 428),
)
async def update_endpoint(
    endpoint: LockedEndpoint,
    data: EndpointPatch,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    known: KnownTypesDep,
    response: Response,
) -> EndpointOut:
    require_if_match(request, etag(endpoint))
    await service.update(session, endpoint, data, settings, known)
    set_etag(response, etag(endpoint))
    return await service.endpoint_out(session, endpoint)


@router.post("/{endpoint_id}/disable", response_model=EndpointOut, responses=problem_responses(401, 403, 404, 422))
async def disable_endpoint(
    endpoint: LockedEndpoint, session: SessionDep, caller: CallerDep, response: Response
) -> EndpointOut:
    await service.disable(session, endpoint, f"Disabled by {caller.role} {caller.subject}.")
    set_etag(response, etag(endpoint))
    return await service.endpoint_out(session, endpoint)


@router.post("/{endpoint_id}/enable", response_model=EndpointOut, responses=problem_responses(401, 403, 404, 422))
async def enable_endpoint(endpoint: LockedEndpoint, session: SessionDep, response: Response) -> EndpointOut:
    await service.enable(session, endpoint)
    set_etag(response, etag(endpoint))
    return await service.endpoint_out(session, endpoint)


@router.delete("/{endpoint_id}", status_code=204, responses=problem_responses(401, 403, 404, 412, 422))
async def delete_endpoint(endpoint: LockedEndpoint, request: Request, session: SessionDep) -> None:
    if request.headers.get("if-match") is not None:
        require_if_match(request, etag(endpoint))
    await session.delete(endpoint)
    await session.flush()


@router.post("/{endpoint_id}/rotate-secret", response_model=Rotated, responses=problem_responses(401, 403, 404, 422))
async def rotate_secret(
    endpoint: LockedEndpoint,
    session: SessionDep,
    settings: SettingsDep,
    data: RotationIn | None = None,
) -> Rotated:
    overlap = settings.rotation_overlap if data is None or data.overlap_seconds is None else data.overlap_seconds
    secret, until = await service.rotate(session, endpoint, overlap, settings)
    return Rotated(secret=secret, previous_expires_at=until)
