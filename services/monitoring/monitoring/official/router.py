"""HTTP routes of official indices: published by the owning ministry's API key, read by everyone."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request
from pydantic import ValidationError
from smartcity_kit.db import SessionDep
from smartcity_kit.fielderrors import validation_errors
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import Unprocessable, UnsupportedMediaType, problem_responses

from ..access import PartnerMinistry
from ..problems import OFFICIAL_INDEX_OWNER_ONLY
from ..spreadsheets.router import read_body
from ..vocabulary import REGION_CODE, OfficialIndex
from . import service
from .models import OfficialValue
from .schemas import OfficialValueOut, OfficialValuesIn, PublishedOut

router = APIRouter(prefix="/api/v1/monitoring/official-indices", tags=["official-indices"])
Year = Annotated[int, Path(ge=2000, le=2100)]
# OfficialValuesIn written out: the body is read by hand (JSON or CSV), so FastAPI does not document it
VALUES_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["values"],
    "properties": {
        "values": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1000,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["region_code", "value"],
                "properties": {
                    "region_code": {"type": "string", "pattern": REGION_CODE},
                    "value": {"type": "number", "minimum": 0, "maximum": 100},
                },
            },
        }
    },
}


@router.put(
    "/{index}/{year}",
    response_model=PublishedOut,
    responses=problem_responses(401, 403, OFFICIAL_INDEX_OWNER_ONLY, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": VALUES_SCHEMA},
                "text/csv": {"schema": {"type": "string", "format": "binary", "description": "region_code,value"}},
            },
        }
    },
    dependencies=[PartnerMinistry],
)
async def publish_official_year(
    index: OfficialIndex, year: Year, request: Request, session: SessionDep, caller: CallerDep
) -> PublishedOut:
    """A year's values of the index for many regions at once (JSON `{"values": [...]}` or CSV `region_code,value`),
    all or nothing; only an API key of the ministry that owns the index may."""
    service.require_owner(caller, index)  # before reading a body a stranger sends
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await read_body(request, request.app.state.settings.upload_max_bytes)
    if media_type == "text/csv":
        data = service.values_from_csv(body)
    elif media_type == "application/json":
        try:
            data = OfficialValuesIn.model_validate_json(body)
        except ValidationError as exc:
            raise Unprocessable("The request is not valid.", errors=validation_errors(list(exc.errors()))) from exc
    else:
        raise UnsupportedMediaType("Send application/json or text/csv.")
    organization, changed = await service.publish(session, index, year, data, caller)
    return PublishedOut(index=index, year=year, organization=organization, received=len(data.values), changed=changed)


@router.get("/{index}/{year}", response_model=Page[OfficialValueOut], responses=problem_responses(401, 422))
async def read_official_year(
    index: OfficialIndex, year: Year, session: SessionDep, limit: LimitQuery = 50, cursor: CursorQuery = None
) -> Page[OfficialValueOut]:
    stmt = sa.select(OfficialValue).where(OfficialValue.index == index, OfficialValue.year == year)
    rows, next_cursor = await keyset_page(
        session, stmt, keys=[OfficialValue.region_code], key_of=lambda v: [v.region_code], limit=limit, cursor=cursor
    )
    return Page(items=[OfficialValueOut.model_validate(v) for v in rows], next_cursor=next_cursor)


@router.get("", response_model=Page[OfficialValueOut], responses=problem_responses(401, 422))
async def list_official_values(
    session: SessionDep,
    region_code: str | None = Query(None, pattern=REGION_CODE),
    index: OfficialIndex | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[OfficialValueOut]:
    """Every published value, by region, index and year (newest year first within a region and index)."""
    stmt = sa.select(OfficialValue)
    if region_code:
        stmt = stmt.where(OfficialValue.region_code == region_code)
    if index:
        stmt = stmt.where(OfficialValue.index == index)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[OfficialValue.region_code, OfficialValue.index, -OfficialValue.year],
        key_of=lambda v: [v.region_code, v.index, -v.year],
        limit=limit,
        cursor=cursor,
        convert=[str, str, int],
    )
    return Page(items=[OfficialValueOut.model_validate(v) for v in rows], next_cursor=next_cursor)
