"""API models of a selection run."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from smartcity_kit.schemas import StrictModel
from smartcity_vocabulary import ParticipantStatus


class SelectionIn(StrictModel):
    dry_run: bool = Field(False, description="Rank and report only; nothing changes.")


class RankingEntry(BaseModel):
    rank: int
    participant_id: uuid.UUID
    region_code: str
    region_name: str
    readiness_score: float
    applied_at: datetime
    outcome: ParticipantStatus = Field(description="The status after this run (or that it would get, on a dry run).")
    changed: bool = Field(description="Whether this run moves (or would move) the participant.")


class SelectionOut(BaseModel):
    phase_code: str
    dry_run: bool
    quota: int = Field(description="The phase's places.")
    places_before: int = Field(
        description="Places free before this run: `quota` minus the participants holding one (`selected`, "
        "`mou_signed`, `mentoring`, `completed`)."
    )
    places_left: int = Field(
        description="Places still free after this run (on a dry run: that would be), i.e. `places_before` minus "
        "`selected`; more than 0 only when too few were ranked to fill them."
    )
    selected: int = Field(description="Participants this run selects (from `assessed` or the waitlist).")
    waitlisted: int = Field(description="Participants this run waitlists.")
    ranking: list[RankingEntry]
