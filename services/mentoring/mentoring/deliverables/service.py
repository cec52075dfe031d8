"""Deliverable rules: a checked document per kind, superseding after changes were asked, reviews."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, NotFound, Unprocessable
from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import DeliverableStatus, ReviewDecision
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import mentor_of, scope_tracks
from ..problems import DELIVERABLE_ALREADY_APPROVED, DELIVERABLE_NOT_SUBMITTED
from ..tracks.models import Track, TrackMentor
from ..tracks.service import require_active
from . import events
from .models import Deliverable
from .schemas import DeliverableIn, DeliverableOut


async def check_document(documents: DocumentsClient, track: Track, data: DeliverableIn) -> None:
    """422 unless the document exists, is not deleted, belongs to the track's region and is of the kind."""
    document = await documents.find(data.document_id)
    if document is None or document.region_code != track.region_code:
        # one answer for "unknown" and "another region's": existence elsewhere does not leak
        raise Unprocessable(
            "No document {document_id} of region {region_code} exists.",
            errors=[FieldError("document_id", "not_a_document_of_region", "No such document in the track's region.")],
            document_id=data.document_id,
            region_code=track.region_code,
        )
    if document.kind != data.kind:
        raise Unprocessable(
            "The document is of kind '{actual}', not '{kind}'.",
            errors=[
                FieldError("kind", "kind_mismatch", "The document's kind is '{actual}'.", {"actual": document.kind})
            ],
            actual=document.kind,
            kind=data.kind,
        )


async def submit(session: AsyncSession, track: Track, data: DeliverableIn, caller: Caller) -> Deliverable:
    """Record a checked submission; it supersedes a pending or sent-back one of the same kind."""
    require_active(track)
    live = (
        await session.execute(
            sa.select(Deliverable)
            .where(
                Deliverable.track_id == track.id,
                Deliverable.kind == data.kind,
                Deliverable.status != DeliverableStatus.SUPERSEDED,
            )
            .with_for_update()
        )
    ).scalar()
    supersedes = None
    if live is not None:
        if live.status == DeliverableStatus.APPROVED:
            raise AppError(
                DELIVERABLE_ALREADY_APPROVED,
                "A deliverable of kind '{kind}' is already approved for this track ({deliverable_id}).",
                kind=data.kind,
                deliverable_id=live.id,
            )
        live.status = DeliverableStatus.SUPERSEDED
        supersedes = live.id
        await session.flush()
    deliverable = Deliverable(
        track_id=track.id,
        stage=track.stage,
        kind=data.kind,
        document_id=data.document_id,
        supersedes_id=supersedes,
        submitted_by=caller.actor,
    )
    session.add(deliverable)
    await session.flush()
    await session.refresh(deliverable)
    await events.submitted(session, track, deliverable)
    return deliverable


async def deliverable_and_track(
    session: AsyncSession, caller: Caller, deliverable_id: uuid.UUID, *, lock: bool = False
) -> tuple[Deliverable, Track]:
    """The deliverable and its track if the caller may see the track; 404 otherwise."""
    stmt = sa.select(Deliverable, Track).join(Track, Track.id == Deliverable.track_id)
    stmt = await scope_tracks(session, stmt.where(Deliverable.id == deliverable_id), caller)
    if lock:
        stmt = stmt.with_for_update(of=Deliverable).execution_options(populate_existing=True)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound("No deliverable {deliverable_id} is visible to you.", deliverable_id=deliverable_id)
    return row[0], row[1]


async def review(
    session: AsyncSession, caller: Caller, deliverable_id: uuid.UUID, decision: ReviewDecision, comment: str | None
) -> Deliverable:
    deliverable, track = await deliverable_and_track(session, caller, deliverable_id, lock=True)
    if caller.role == Role.MENTOR:
        # visible means assigned (scope_tracks), but say it plainly here too
        mentor = await mentor_of(session, caller)
        if mentor is None or await session.get(TrackMentor, (track.id, mentor.id)) is None:
            raise NotFound("No deliverable {deliverable_id} is visible to you.", deliverable_id=deliverable_id)
    require_active(track)
    if deliverable.status != DeliverableStatus.SUBMITTED:
        raise AppError(
            DELIVERABLE_NOT_SUBMITTED,
            "The deliverable is {status}; only a submitted one can be reviewed.",
            status=deliverable.status,
        )
    deliverable.status = decision
    deliverable.reviewed_by = caller.actor
    deliverable.reviewed_at = sa.func.now()
    deliverable.review_comment = comment
    await session.flush()
    await session.refresh(deliverable)
    await events.reviewed(session, track, deliverable)
    return deliverable


def deliverable_out(d: Deliverable) -> DeliverableOut:
    return DeliverableOut.model_validate(d, from_attributes=True)
