"""HTTP routes of results: accepted figures only, per region and across regions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

import orjson
import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, Page, keyset_page
from smartcity_kit.problems import NotFound, problem_responses
from sqlalchemy.orm import QueryableAttribute, defer

from ..access import region_scope
from ..dependencies import PathPeriod
from ..vocabulary import PERIOD_CODE, REGION_CODE
from .models import RegionResult
from .schemas import RegionResultOut, ResultRow

ROW_FIELDS = tuple(ResultRow.model_fields)

router = APIRouter(prefix="/api/v1/monitoring/periods", tags=["results"])

# a region without any achievement (no target that year) sorts below every region with one
_ACHIEVEMENT = sa.func.coalesce(RegionResult.achievement, -1.0)
SORTS: dict[str, tuple[list[sa.ColumnElement[Any] | QueryableAttribute[Any]], Callable[[RegionResult], list[Any]]]] = {
    "achievement": ([_ACHIEVEMENT, RegionResult.region_code], lambda r: [r.achievement or -1.0, r.region_code]),
    "-achievement": ([-_ACHIEVEMENT, RegionResult.region_code], lambda r: [-(r.achievement or -1.0), r.region_code]),
    "region_code": ([RegionResult.region_code], lambda r: [r.region_code]),
}


@router.get("/{code}/results", response_model=Page[ResultRow], responses=problem_responses(401, 404, 422))
async def list_results(
    period: PathPeriod,
    session: SessionDep,
    caller: CallerDep,
    phase_code: str | None = Query(None, max_length=64),
    province_code: str | None = Query(None, pattern=r"^\d{2}$"),
    sort: Literal["achievement", "-achievement", "region_code"] = "-achievement",
    limit: Annotated[int, Query(ge=1, le=600, description="Page size, 1-600: every kabupaten/kota in one page.")] = 50,
    cursor: CursorQuery = None,
) -> Response:
    """The accepted results of the period across regions; `sort=-achievement` (the default) puts the best first."""
    # a row of the list leaves out the per-indicator and per-initiative detail: most of each row's bytes
    stmt = (
        sa.select(RegionResult)
        .options(defer(RegionResult.indicators), defer(RegionResult.initiatives), defer(RegionResult.report_id))
        .where(RegionResult.period_code == period.code, region_scope(caller, RegionResult.region_code))
    )
    if phase_code:
        stmt = stmt.where(RegionResult.phase_codes.contains([phase_code]))
    if province_code:
        stmt = stmt.where(RegionResult.province_code == province_code)
    keys, key_of = SORTS[sort]
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=keys,
        key_of=key_of,
        limit=limit,
        cursor=cursor,
        convert=[float, str] if len(keys) == 2 else [str],
    )
    # every kabupaten/kota in one page is the common read: its rows are written straight to JSON (the same
    # ResultRow shape the document declares), not validated twice
    items = [{name: getattr(r, name) for name in ROW_FIELDS} for r in rows]
    body = orjson.dumps({"items": items, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z)
    return Response(body, media_type="application/json")


@router.get("/{code}/results/{region_code}", response_model=RegionResultOut, responses=problem_responses(401, 404))
async def get_result(
    session: SessionDep,
    caller: CallerDep,
    code: str = Path(pattern=PERIOD_CODE),
    region_code: str = Path(pattern=REGION_CODE),
) -> RegionResultOut:
    stmt = sa.select(RegionResult).where(
        RegionResult.period_code == code,
        RegionResult.region_code == region_code,
        region_scope(caller, RegionResult.region_code),
    )
    result = (await session.execute(stmt)).scalar()
    if result is None:
        raise NotFound(
            "No accepted result of region {region_code} for {period_code} is visible to you.",
            region_code=region_code,
            period_code=code,
        )
    return RegionResultOut.model_validate(result)
