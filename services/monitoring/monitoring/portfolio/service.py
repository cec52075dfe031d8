"""Portfolios from approved master plans: created once per track, whatever the number of replays."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field
from smartcity_kit.identity import Caller
from smartcity_kit.problems import NotFound
from smartcity_vocabulary import ELEMENTS
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import region_scope
from ..events import PortfolioCreated, emit
from ..vocabulary import REGION_CODE
from .models import Initiative, Portfolio

# the elements of each dimension by its name: a plan from the feed names both as plain strings
_ELEMENTS: dict[str, tuple[str, ...]] = {str(d): elements for d, elements in ELEMENTS.items()}


class PlannedInitiative(BaseModel):
    """One initiative as `masterplan.approved` carries it (fields mentoring adds later are ignored)."""

    id: uuid.UUID
    index: int = Field(ge=0)
    dimension: str
    element: str
    title: str
    benefit: str | None = None
    beneficiaries: str | None = None
    kpi: str | None = None
    technology: str | None = None
    start_year: int
    end_year: int
    quick_win: bool = False
    lead_agency: str | None = None


class ApprovedPlan(BaseModel):
    """The data of `masterplan.approved`."""

    track_id: uuid.UUID
    participant_id: uuid.UUID
    region_code: str = Field(pattern=REGION_CODE)
    phase_code: str
    version: int
    approved_at: datetime
    approved_by: str
    vision: str
    horizon_start_year: int
    horizon_end_year: int
    initiatives: list[PlannedInitiative]

    def problems(self) -> list[str]:
        """What would make the plan unusable here (mentoring validated it; this guards a malformed event)."""
        out = []
        for item in self.initiatives:
            if item.element not in _ELEMENTS.get(item.dimension, ()):
                out.append(f"initiative {item.index}: unknown dimension/element {item.dimension}/{item.element}")
            if item.start_year > item.end_year:
                out.append(f"initiative {item.index}: start_year after end_year")
        return out


async def create_portfolio(session: AsyncSession, plan: ApprovedPlan) -> Portfolio | None:
    """Record the plan's portfolio and `portfolio.created`; None when the track already has one (a replay)."""
    inserted = (
        await session.execute(
            insert(Portfolio)
            .values(
                track_id=plan.track_id,
                participant_id=plan.participant_id,
                region_code=plan.region_code,
                phase_code=plan.phase_code,
                plan_version=plan.version,
                vision=plan.vision,
                horizon_start_year=plan.horizon_start_year,
                horizon_end_year=plan.horizon_end_year,
                approved_at=plan.approved_at,
                approved_by=plan.approved_by,
            )
            .on_conflict_do_nothing(index_elements=[Portfolio.track_id])
            .returning(Portfolio.track_id)
        )
    ).scalar()
    if inserted is None:
        return None
    if plan.initiatives:
        await session.execute(
            sa.insert(Initiative),
            [
                {**item.model_dump(), "track_id": plan.track_id, "region_code": plan.region_code}
                for item in plan.initiatives
            ],
        )
    portfolio = await session.get(Portfolio, plan.track_id)
    assert portfolio is not None
    await emit(
        session,
        f"portfolios/{plan.track_id}",
        PortfolioCreated(
            track_id=plan.track_id,
            participant_id=plan.participant_id,
            region_code=plan.region_code,
            phase_code=plan.phase_code,
            plan_version=plan.version,
            initiative_ids=[item.id for item in plan.initiatives],
        ),
    )
    return portfolio


async def portfolio_or_404(session: AsyncSession, caller: Caller, track_id: uuid.UUID) -> Portfolio:
    stmt = sa.select(Portfolio).where(Portfolio.track_id == track_id, region_scope(caller, Portfolio.region_code))
    portfolio = (await session.execute(stmt)).scalar()
    if portfolio is None:
        raise NotFound("No portfolio {track_id} is visible to you.", track_id=track_id)
    return portfolio


async def initiative_or_404(session: AsyncSession, caller: Caller, initiative_id: uuid.UUID) -> Initiative:
    stmt = sa.select(Initiative).where(Initiative.id == initiative_id, region_scope(caller, Initiative.region_code))
    initiative = (await session.execute(stmt)).scalar()
    if initiative is None:
        raise NotFound("No initiative {initiative_id} is visible to you.", initiative_id=initiative_id)
    return initiative


async def initiatives_of(session: AsyncSession, track_id: uuid.UUID) -> list[Initiative]:
    stmt = sa.select(Initiative).where(Initiative.track_id == track_id).order_by(Initiative.index)
    return list((await session.execute(stmt)).scalars())
