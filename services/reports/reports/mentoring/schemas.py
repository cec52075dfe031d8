"""The mentoring report as the API returns it; each list is a table of the CSV and XLSX forms."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from ..overview.schemas import ScopeOut


class MentoringSummary(BaseModel):
    deliverables_submitted: int = Field(description="Every submission, those later replaced included.")
    approved: int
    changes_requested: int
    waiting: int = Field(description="Submitted and not reviewed yet.")
    oldest_wait_days: int = Field(description="Whole days the longest-waiting deliverable has waited (0: none).")
    workshops_held: int = Field(description="Workshops whose start has passed.")
    attendance_recorded: int = Field(description="Tracks whose attendance at a workshop was recorded.")
    attendance_rate: float = Field(description="Present / recorded (0 when none).")
    mentors: int
    tracks_with_mentor: int


class KindRow(BaseModel):
    kind: str
    submitted: int
    approved: int
    changes_requested: int
    waiting: int
    waiting_since: date | None = Field(description="Day the oldest waiting one was handed in.")


class WaitRow(BaseModel):
    age: str
    label: str
    deliverables: int


class StageWorkRow(BaseModel):
    stage: str
    label: str
    workshops: int
    invited_tracks: int
    recorded: int
    present: int
    attendance_rate: float


class MentorRow(BaseModel):
    mentor_id: str
    name: str
    organization: str
    max_tracks: int
    active_tracks: int
    load_rate: float = Field(description="Active tracks / max_tracks.")


class MentoringReport(BaseModel):
    scope: ScopeOut
    summary: MentoringSummary
    deliverables: list[KindRow]
    waiting_by_age: list[WaitRow]
    workshops: list[StageWorkRow]
    mentors: list[MentorRow]
