"""HTTP routes of the indicator catalogue and of indicators attached to initiatives."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import APIRouter, Path, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import NotFound, problem_responses
from smartcity_vocabulary import Dimension

from ..access import OwnRegionOrStaff
from ..dependencies import VisibleInitiative, VisibleTracked
from ..problems import INDICATOR_ALREADY_TRACKED
from ..results.service import refresh_results_of_region
from . import service
from .models import CatalogueIndicator
from .schemas import AttachIn, CatalogueIndicatorOut, Targets, TrackedIndicatorOut

router = APIRouter(prefix="/api/v1/monitoring", tags=["indicators"])


@router.get("/indicators", response_model=Page[CatalogueIndicatorOut], responses=problem_responses(401, 422))
async def list_catalogue_indicators(
    session: SessionDep,
    dimension: Dimension | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[CatalogueIndicatorOut]:
    stmt = sa.select(CatalogueIndicator)
    if dimension:
        stmt = stmt.where(CatalogueIndicator.dimension == dimension)
    rows, next_cursor = await keyset_page(
        session, stmt, keys=[CatalogueIndicator.code], key_of=lambda i: [i.code], limit=limit, cursor=cursor
    )
    return Page(items=[CatalogueIndicatorOut.model_validate(i) for i in rows], next_cursor=next_cursor)


@router.get("/indicators/{code}", response_model=CatalogueIndicatorOut, responses=problem_responses(401, 404))
async def get_catalogue_indicator(session: SessionDep, code: str = Path(max_length=64)) -> CatalogueIndicatorOut:
    indicator = await session.get(CatalogueIndicator, code)
    if indicator is None:
        raise NotFound("The catalogue has no indicator '{code}'.", code=code)
    return CatalogueIndicatorOut.model_validate(indicator)


@router.post(
    "/initiatives/{initiative_id}/indicators",
    status_code=201,
    response_model=TrackedIndicatorOut,
    responses=problem_responses(401, 403, 404, 409, INDICATOR_ALREADY_TRACKED, 422),
    dependencies=[OwnRegionOrStaff],
)
async def attach_indicator(
    initiative: VisibleInitiative, body: AttachIn, session: SessionDep, caller: CallerDep, response: Response
) -> TrackedIndicatorOut:
    tracked = await service.attach(session, initiative, body, caller)
    set_etag(response, service.tracked_etag(tracked))
    response.headers["Location"] = f"/api/v1/monitoring/tracked-indicators/{tracked.id}"
    return service.tracked_out(tracked)


@router.get(
    "/initiatives/{initiative_id}/indicators",
    response_model=list[TrackedIndicatorOut],
    responses=problem_responses(401, 404),
)
async def list_initiative_indicators(initiative: VisibleInitiative, session: SessionDep) -> list[TrackedIndicatorOut]:
    return [service.tracked_out(t) for t in await service.tracked_of_initiative(session, initiative.id)]


@router.get(
    "/tracked-indicators/{tracked_id}", response_model=TrackedIndicatorOut, responses=problem_responses(401, 404)
)
async def get_tracked_indicator(tracked: VisibleTracked, response: Response) -> TrackedIndicatorOut:
    set_etag(response, service.tracked_etag(tracked))
    return service.tracked_out(tracked)


@router.put(
    "/tracked-indicators/{tracked_id}/targets",
    response_model=TrackedIndicatorOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[OwnRegionOrStaff],
)
async def put_targets(
    tracked_id: uuid.UUID, body: Targets, request: Request, session: SessionDep, caller: CallerDep, response: Response
) -> TrackedIndicatorOut:
    """Replace the baseline and the targets; needs `If-Match` with the ETag of the last read."""
    tracked = await service.change_targets(session, request, tracked_id, body, caller)
    # accepted results used the old figures: they follow the new ones
    await refresh_results_of_region(session, tracked.region_code)
    set_etag(response, service.tracked_etag(tracked))
    return service.tracked_out(tracked)
