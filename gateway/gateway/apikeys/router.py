"""HTTP routes of API keys (answered by the gateway itself)."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Header, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep, Role, require_roles
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses

from ..problems import ADMIN_KEY_FORBIDDEN, API_KEY_FIELDS_INVALID
from ..resources import resources_of
from . import replay, service
from .models import ApiKey
from .schemas import ApiKeyCreated, ApiKeyIn, ApiKeyOut

# who makes and revokes API keys, named once; the gateway's table says the same (tests/test_permissions.py)
CanManageKeys = require_roles(Role.ADMIN, Role.OPERATOR)
router = APIRouter(prefix="/api/v1/api-keys", tags=["api-keys"], dependencies=[CanManageKeys])


def key_out(row: ApiKey) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "role": row.role,
        "region_code": row.region_code,
        "organization": row.organization,
        "prefix": row.prefix,
        "created_at": row.created_at,
        "created_by": row.created_by,
        "expires_at": row.expires_at,
    }


@router.post(
    "",
    status_code=201,
    response_model=ApiKeyCreated,
    summary="Make an API key (the key is shown in this answer only)",
    responses=problem_responses(401, 403, 409, 422, ADMIN_KEY_FORBIDDEN, API_KEY_FIELDS_INVALID),
)
async def create_api_key(
    body: ApiKeyIn,
    session: SessionDep,
    caller: CallerDep,
    request: Request,
    idempotency_key: Annotated[str | None, Header(description="Repeat a POST safely: the same answer again.")] = None,
) -> Response:
    secret = request.app.state.settings.internal_secret
    who = caller.owner
    if idempotency_key is not None:
        replay.check_header(idempotency_key)
        request_hash = hashlib.sha256(orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)).digest()
        earlier = await replay.claim(
            session, caller=who, idempotency_key=idempotency_key, request_hash=request_hash, secret=secret
        )
        if earlier is not None:
            return Response(earlier, status_code=201, media_type="application/json")
    row, key = await service.create_key(session, body, caller)
    answer = ApiKeyCreated(**key_out(row), key=key).model_dump_json().encode()
    if idempotency_key is not None:
        await replay.seal(
            session, caller=who, idempotency_key=idempotency_key, api_key_id=row.id, answer=answer, secret=secret
        )
    return Response(answer, status_code=201, media_type="application/json")


@router.get("", response_model=Page[ApiKeyOut], summary="List API keys in force", responses=problem_responses(401, 403))
async def list_api_keys(session: SessionDep, limit: LimitQuery = 50, cursor: CursorQuery = None) -> Page[ApiKeyOut]:
    rows, next_cursor = await keyset_page(
        session,
        service.active_keys(),
        keys=[ApiKey.created_at, ApiKey.id],
        key_of=lambda r: [r.created_at.isoformat(), str(r.id)],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    return Page[ApiKeyOut](items=[ApiKeyOut(**key_out(r)) for r in rows], next_cursor=next_cursor)


@router.delete(
    "/{key_id}",
    status_code=204,
    summary="Revoke an API key: it stops working at once",
    responses=problem_responses(401, 403, 404, 422),
)
async def revoke_api_key(key_id: uuid.UUID, request: Request, session: SessionDep, caller: CallerDep) -> Response:
    digest = await service.revoke_key(session, key_id, caller)
    api_keys = resources_of(request.app.state).api_keys
    assert api_keys is not None, "the gateway answers 503 for API keys without a database"
    api_keys.forget(digest)
    return Response(status_code=204)
