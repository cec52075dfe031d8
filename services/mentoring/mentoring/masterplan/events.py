"""The events of a master plan: a draft saved, and the plan approved (the whole plan, which monitoring follows)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from ..tracks.events import ON_TRACK, OnTrack, on_track
from ..tracks.models import Track
from .models import MasterPlan


def initiative_id(track_id: uuid.UUID, index: int) -> uuid.UUID:
    """An initiative's stable id: an approved plan is frozen, so its position never changes."""
    return uuid.uuid5(track_id, f"initiative-{index}")


class ApprovedInitiative(BaseModel):
    model_config = ConfigDict(extra="forbid")

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


class MasterPlanSaved(OnTrack):
    """A track's master plan draft was saved: written for the first time (`version` 1) or changed."""

    event_type = "masterplan.saved"
    example: ClassVar[dict[str, Any]] = {
        **ON_TRACK,
        "version": 2,
        "horizon_start_year": 2027,
        "horizon_end_year": 2031,
        "initiative_count": 12,
        "saved_at": "2027-08-01T03:00:00.123456Z",
        "saved_by": "region:tim@bandung.go.id",
    }

    version: int
    horizon_start_year: int
    horizon_end_year: int
    initiative_count: int
    saved_at: datetime
    saved_by: str = Field(description="`role:subject` of who saved it.")


class MasterPlanApproved(OnTrack):
    """A track's master plan was approved and frozen: the whole plan, which monitoring follows."""

    event_type = "masterplan.approved"
    example: ClassVar[dict[str, Any]] = {
        **ON_TRACK,
        "version": 3,
        "approved_at": "2027-09-15T03:00:00.123456Z",
        "approved_by": "operator:ops@kominfo.go.id",
        "vision": "Bandung kota cerdas yang melayani warganya",
        "horizon_start_year": 2027,
        "horizon_end_year": 2031,
        "initiatives": [
            {
                "id": "842e84be-4b19-5c9b-bfdb-2bc71a8c991f",
                "index": 0,
                "dimension": "governance",
                "element": "service",
                "title": "Satu aplikasi layanan warga",
                "benefit": "Warga mengurus izin tanpa datang ke kantor",
                "beneficiaries": "Warga dan pelaku usaha",
                "kpi": "Share of city services that can be requested online",
                "technology": "Portal layanan terpadu",
                "start_year": 2027,
                "end_year": 2028,
                "quick_win": True,
                "lead_agency": "Diskominfo",
            }
        ],
    }

    version: int
    approved_at: datetime
    approved_by: str = Field(description="`role:subject` of who approved it.")
    vision: str
    horizon_start_year: int
    horizon_end_year: int
    initiatives: list[ApprovedInitiative]


async def plan_saved(session: AsyncSession, track: Track, plan: MasterPlan) -> None:
    data = MasterPlanSaved(
        **on_track(track),
        version=plan.version,
        horizon_start_year=plan.horizon_start_year,
        horizon_end_year=plan.horizon_end_year,
        initiative_count=len(plan.initiatives),
        saved_at=plan.updated_at,
        saved_by=plan.updated_by,
    )
    await record(session, events, f"tracks/{track.id}/masterplan", data)


async def plan_approved(session: AsyncSession, track: Track, plan: MasterPlan) -> None:
    assert plan.approved_at is not None and plan.approved_by is not None
    data = MasterPlanApproved(
        **on_track(track),
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
