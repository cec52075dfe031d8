"""API models of deliverables and reviews."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import DeliverableStatus, DocumentKind, ReviewDecision, StageCode


class DeliverableIn(StrictModel):
    kind: DocumentKind
    document_id: uuid.UUID


class ReviewIn(StrictModel):
    decision: ReviewDecision
    comment: str | None = Field(None, max_length=10_000)


class DeliverableOut(BaseModel):
    id: uuid.UUID
    track_id: uuid.UUID
    stage: StageCode
    kind: DocumentKind
    document_id: uuid.UUID
    status: DeliverableStatus
    supersedes_id: uuid.UUID | None
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None
