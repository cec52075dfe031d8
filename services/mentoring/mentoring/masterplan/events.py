"""The events of a master plan, written to the outbox in the transaction of the change."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from ..tracks.models import Track
from .models import MasterPlan


def initiative_id(track_id: uuid.UUID, index: int) -> uuid.UUID:
    """An initiative's stable id: an approved plan is frozen, so its position never changes."""
    return uuid.uuid5(track_id, f"initiative-{index}")


class ApprovedInitiative(BaseModel):
    id: uuid.UUID = Field(description='uuid5 of the track id and "initiative-<index>".')
    index: int = Field(description="Position of the initiative in the plan.")
    dimension: str
    element: str
    title: str
    benefit: str | None
    beneficiaries: str | None
    kpi: str | None
    technology: str | None
    start_year: int
    end_year: int
    quick_win: bool
    lead_agency: str | None


class MasterPlanApproved(EventData):
    """A track's master plan was approved and frozen: the whole plan, which monitoring follows."""

    event_type = "masterplan.approved"

    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    version: int
    approved_at: datetime
    approved_by: str = Field(description="`role:subject` of who approved it.")
    vision: str
    horizon_start_year: int
    horizon_end_year: int
    initiatives: list[ApprovedInitiative]


async def plan_approved(session: AsyncSession, track: Track, plan: MasterPlan) -> None:
    assert plan.approved_at is not None and plan.approved_by is not None
    data = MasterPlanApproved(
        track_id=track.id,
        participant_id=track.participant_id,
        region_code=track.region_code,
        phase_code=track.phase_code,
        version=plan.version,
        approved_at=plan.approved_at,
        approved_by=plan.approved_by,
        vision=plan.vision,
        horizon_start_year=plan.horizon_start_year,
        horizon_end_year=plan.horizon_end_year,
        initiatives=[
            ApprovedInitiative(id=initiative_id(track.id, index), index=index, **item)
            for index, item in enumerate(plan.initiatives)
        ],
    )
    await record(session, events, f"tracks/{track.id}/masterplan", data)
