"""HTTP routes of regions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from smartcity_kit.bodylimit import STREAMED_BODY
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import PayloadTooLarge, UnsupportedMediaType, problem_responses

from ..access import CanManageProgramme
from ..problems import INVALID_REGIONS_FILE
from . import service
from .models import Region
from .schemas import ImportResult, RegionOut

router = APIRouter(prefix="/api/v1/regions", tags=["regions"])

RegionCode = Annotated[str, Path(pattern=r"^\d{2}(\.\d{2})?$", examples=["32.73"])]


@router.post(
    "/import",
    response_model=ImportResult,
    summary="Import regions from a CSV file (upsert, all or nothing)",
    responses=problem_responses(401, 403, 413, 415, 422, INVALID_REGIONS_FILE),
    dependencies=[CanManageProgramme],
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}},
        **STREAMED_BODY,  # bounded below by PARTICIPANTS_IMPORT_MAX_BYTES
    },
)
async def import_regions(request: Request, session: SessionDep) -> ImportResult:
    return await service.import_regions(session, await csv_body(request))


async def csv_body(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in ("text/csv", "application/csv"):
        raise UnsupportedMediaType("Send the file as text/csv.")
    limit = request.app.state.settings.import_max_bytes
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("The file is larger than {limit} bytes.", limit=limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/statistics",
    response_model=ImportResult,
    summary="Import the regions' population and area from a CSV file (upsert, all or nothing)",
    description="Columns `code,population_male,population_female,population,area_km2`; every code must be a "
    "region already imported. Each region whose figures change records a `region.statistics_updated` event.",
    responses=problem_responses(401, 403, 413, 415, 422, INVALID_REGIONS_FILE),
    dependencies=[CanManageProgramme],
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}}
    },
)
async def import_statistics(request: Request, session: SessionDep) -> ImportResult:
    return await service.import_statistics(session, await csv_body(request))


@router.get("", response_model=Page[RegionOut], summary="List regions", responses=problem_responses(401, 422))
async def list_regions(
    session: SessionDep,
    _: CallerDep,
    q: Annotated[str | None, Query(max_length=100, description="Part of the name, any case.")] = None,
    province_code: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    kind: Literal["provinsi", "kabupaten", "kota"] | None = None,
    level: Literal["province", "regency_city"] | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[RegionOut]:
    stmt = service.region_query(session, q=q, province_code=province_code, kind=kind, level=level)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Region.code],
        key_of=lambda r: [r["code"]],
        limit=limit,
        cursor=cursor,
        convert=[str],
        as_dicts=True,
    )
    return Page[RegionOut].model_validate({"items": rows, "next_cursor": next_cursor})


@router.get("/{code}", response_model=RegionOut, summary="One region", responses=problem_responses(401, 404, 422))
async def get_region(code: RegionCode, session: SessionDep, _: CallerDep) -> RegionOut:
    return await service.get_region(session, code)
