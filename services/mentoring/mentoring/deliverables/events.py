"""The events of deliverables: one handed in for a track, and its review."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.outbox import record
from smartcity_vocabulary import ReviewDecision
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from ..tracks.events import ON_TRACK, OnTrack, on_track
from ..tracks.models import Track
from .models import Deliverable

DELIVERABLE: dict[str, Any] = {
    "deliverable_id": "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d",
    **ON_TRACK,
    "stage": "bimtek_1",
    "kind": "readiness_report",
}


class OfDeliverable(OnTrack):
    deliverable_id: uuid.UUID
    stage: str = Field(description="The track's stage when it was handed in.")
    kind: str


class DeliverableSubmitted(OfDeliverable):
    """A region handed in a document for a track's stage; it supersedes the one of its kind sent back."""

    event_type = "deliverable.submitted"
    example: ClassVar[dict[str, Any]] = {
        **DELIVERABLE,
        "document_id": "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f",
        "supersedes_id": None,
        "submitted_at": "2027-05-20T04:00:00.123456Z",
        "submitted_by": "region:tim@bandung.go.id",
    }

    document_id: uuid.UUID
    supersedes_id: uuid.UUID | None = Field(description="The deliverable of the same kind it replaces.")
    submitted_at: datetime
    submitted_by: str


class DeliverableReviewed(OfDeliverable):
    """A mentor of the track or an operator approved a deliverable or asked for changes."""

    event_type = "deliverable.reviewed"
    example: ClassVar[dict[str, Any]] = {
        **DELIVERABLE,
        "decision": "changes_requested",
        "comment": "Lengkapi data anggaran",
        "reviewed_at": "2027-05-22T02:00:00.123456Z",
        "reviewed_by": "mentor:sari@itb.ac.id",
    }

    decision: ReviewDecision
    comment: str | None
    reviewed_at: datetime
    reviewed_by: str


def _of(track: Track, d: Deliverable) -> dict[str, Any]:
    return {**on_track(track), "deliverable_id": d.id, "stage": d.stage, "kind": d.kind}


async def submitted(session: AsyncSession, track: Track, d: Deliverable) -> None:
    data = DeliverableSubmitted(
        **_of(track, d),
        document_id=d.document_id,
        supersedes_id=d.supersedes_id,
        submitted_at=d.submitted_at,
        submitted_by=d.submitted_by,
    )
    await record(session, events, f"deliverables/{d.id}", data)


async def reviewed(session: AsyncSession, track: Track, d: Deliverable) -> None:
    assert d.reviewed_at is not None and d.reviewed_by is not None
    data = DeliverableReviewed(
        **_of(track, d),
        decision=d.status,  # type: ignore[arg-type]
        comment=d.review_comment,
        reviewed_at=d.reviewed_at,
        reviewed_by=d.reviewed_by,
    )
    await record(session, events, f"deliverables/{d.id}", data)
