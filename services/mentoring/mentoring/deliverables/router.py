"""HTTP routes of deliverables: submitting, listing, reading and reviewing."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses
from smartcity_vocabulary import DeliverableStatus

from ..access import AssignedMentorOrStaff, OwnRegionOrStaff, VisibleTrack, track_or_404
from ..problems import DELIVERABLE_ALREADY_APPROVED, DELIVERABLE_NOT_SUBMITTED, TRACK_NOT_ACTIVE
from . import service
from .models import Deliverable
from .schemas import DeliverableIn, DeliverableOut, ReviewIn

router = APIRouter(prefix="/api/v1", tags=["deliverables"])


@router.post(
    "/tracks/{track_id}/deliverables",
    status_code=201,
    response_model=DeliverableOut,
    responses=problem_responses(401, 403, 404, 409, TRACK_NOT_ACTIVE, DELIVERABLE_ALREADY_APPROVED, 422, 503),
    dependencies=[OwnRegionOrStaff],
)
async def submit_deliverable(
    track_id: uuid.UUID, data: DeliverableIn, request: Request, session: SessionDep, caller: CallerDep
) -> DeliverableOut:
    """Hand in a document of the track's region; checked with the documents service before anything is kept."""
    track = await track_or_404(session, caller, track_id)
    # ask the documents service before taking any lock: a slow answer must not hold rows
    await service.check_document(request.app.state.documents, track, data)
    track = await track_or_404(session, caller, track_id, lock=True)
    return service.deliverable_out(await service.submit(session, track, data, caller))


@router.get(
    "/tracks/{track_id}/deliverables", response_model=Page[DeliverableOut], responses=problem_responses(401, 404, 422)
)
async def list_deliverables(
    track: VisibleTrack,
    session: SessionDep,
    kind: str | None = Query(None, max_length=32),
    status: DeliverableStatus | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[DeliverableOut]:
    stmt = sa.select(Deliverable).where(Deliverable.track_id == track.id)
    if kind:
        stmt = stmt.where(Deliverable.kind == kind)
    if status:
        stmt = stmt.where(Deliverable.status == status)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Deliverable.submitted_at, Deliverable.id],
        key_of=lambda d: [d.submitted_at.isoformat(), str(d.id)],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    return Page[DeliverableOut](items=[service.deliverable_out(d) for d in rows], next_cursor=next_cursor)


@router.get("/deliverables/{deliverable_id}", response_model=DeliverableOut, responses=problem_responses(401, 404))
async def read_deliverable(
    deliverable_id: uuid.UUID, session: SessionDep, caller: CallerDep, response: Response
) -> DeliverableOut:
    deliverable, _ = await service.deliverable_and_track(session, caller, deliverable_id)
    out = service.deliverable_out(deliverable)
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out


@router.post(
    "/deliverables/{deliverable_id}/review",
    response_model=DeliverableOut,
    responses=problem_responses(401, 403, 404, TRACK_NOT_ACTIVE, DELIVERABLE_NOT_SUBMITTED, 422),
    dependencies=[AssignedMentorOrStaff],
)
async def review_deliverable(
    deliverable_id: uuid.UUID, data: ReviewIn, session: SessionDep, caller: CallerDep
) -> DeliverableOut:
    """An assigned mentor or an operator approves or asks for changes."""
    deliverable = await service.review(session, caller, deliverable_id, data.decision, data.comment)
    return service.deliverable_out(deliverable)
