"""API models of deliverables and reviews."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from smartcity_kit.schemas import StrictModel

from ..vocabulary import DocumentKind


class DeliverableIn(StrictModel):
    kind: DocumentKind
    document_id: uuid.UUID


class ReviewIn(StrictModel):
    decision: Literal["approved", "changes_requested"]
    comment: str | None = Field(None, max_length=10_000)


class DeliverableOut(BaseModel):
    id: uuid.UUID
    track_id: uuid.UUID
    stage: str
    kind: str
    document_id: uuid.UUID
    status: Literal["submitted", "approved", "changes_requested", "superseded"]
    supersedes_id: uuid.UUID | None
    submitted_by: str
    submitted_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    review_comment: str | None
