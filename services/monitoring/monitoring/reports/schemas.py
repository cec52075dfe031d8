"""API models of reports: the JSON bulk form, what a report reads like, its history and decisions."""

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, FiniteFloat
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import ReportDecision, ReportStatus

from ..vocabulary import InitiativeStatus

Comment = Field(None, max_length=2000)


class ValueIn(StrictModel):
    tracked_indicator_id: uuid.UUID
    value: FiniteFloat
    comment: str | None = Comment
    evidence_document_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class InitiativeStatusIn(StrictModel):
    initiative_id: uuid.UUID
    status: InitiativeStatus
    progress: FiniteFloat = Field(ge=0, le=100, description="Percent of the initiative done.")
    note: str | None = Comment


class ReportIn(StrictModel):
    """Everything the region reports for the period: it replaces what the report held, all or nothing."""

    values: list[ValueIn] = Field(default_factory=list, max_length=5000)
    initiatives: list[InitiativeStatusIn] = Field(default_factory=list, max_length=1000)
    submit: bool = Field(False, description="Submit the report for verification once stored.")
    dry_run: bool = Field(False, description="Check everything and answer as if stored, storing nothing.")


class ValueOut(BaseModel):
    tracked_indicator_id: uuid.UUID
    value: float
    comment: str | None
    evidence_document_ids: list[uuid.UUID]


class InitiativeStatusOut(BaseModel):
    initiative_id: uuid.UUID
    status: InitiativeStatus
    progress: float
    note: str | None


class ReportOut(BaseModel):
    id: uuid.UUID | None = Field(description="None in a dry run's answer for a report not yet stored.")
    period_code: str
    region_code: str
    status: ReportStatus
    version: int
    late: bool
    reopened: bool
    first_submitted_at: datetime | None
    submitted_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    decision_comment: str | None
    updated_at: datetime | None
    updated_by: str | None
    values: list[ValueOut]
    initiatives: list[InitiativeStatusOut]
    dry_run: bool = False


class DecisionIn(StrictModel):
    decision: ReportDecision
    comment: str | None = Field(None, max_length=2000, description="Required when the report is returned.")


class ReopenIn(StrictModel):
    reason: str = Field(min_length=1, max_length=2000)


class ReportChangeOut(BaseModel):
    id: int
    from_status: ReportStatus | None = Field(alias="from")
    to_status: ReportStatus = Field(alias="to")
    actor: str
    reason: str | None
    at: datetime

    model_config = {"populate_by_name": True}
