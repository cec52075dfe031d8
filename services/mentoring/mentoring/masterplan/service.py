"""Writing, reading and approving a track's master plan; its roadmap per year and dimension."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import Request
from smartcity_kit.etag import etag_of, require_if_match
from smartcity_kit.identity import Caller
from smartcity_kit.problems import AppError, NotFound, Unprocessable
from smartcity_vocabulary import Dimension
from sqlalchemy.ext.asyncio import AsyncSession

from ..problems import MASTERPLAN_ALREADY_APPROVED, MASTERPLAN_FROZEN, MASTERPLAN_INVALID, MASTERPLAN_MISSING
from ..tracks.models import Track
from ..tracks.service import require_active
from ..vocabulary import MasterPlanStatus
from .events import plan_approved, plan_saved
from .models import MasterPlan
from .schemas import Initiative, MasterPlanIn, MasterPlanOut, RoadmapEntry, RoadmapYear
from .validation import plan_problems


def plan_etag(plan: MasterPlan) -> str:
    return etag_of({"track_id": str(plan.track_id), "version": plan.version})


async def get_plan(session: AsyncSession, track: Track, *, lock: bool = False) -> MasterPlan | None:
    stmt = sa.select(MasterPlan).where(MasterPlan.track_id == track.id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar()


async def plan_or_404(session: AsyncSession, track: Track) -> MasterPlan:
    plan = await get_plan(session, track)
    if plan is None:
        raise NotFound("The track {track_id} has no master plan yet.", track_id=track.id)
    return plan


async def put_plan(
    session: AsyncSession, request: Request, track: Track, data: MasterPlanIn, caller: Caller
) -> tuple[MasterPlan, bool]:
    """Create or replace the plan; returns (plan, created). The first PUT needs no If-Match."""
    require_active(track)
    plan = await get_plan(session, track, lock=True)
    if plan is not None:
        if plan.status == MasterPlanStatus.APPROVED:
            raise AppError(MASTERPLAN_FROZEN, "The master plan is approved and frozen; it cannot change any more.")
        require_if_match(request, plan_etag(plan))
    problems = plan_problems(data)
    if problems:
        raise Unprocessable(
            "The master plan has {count} problem(s); nothing was saved.", errors=problems, count=len(problems)
        )
    fields = {
        "vision": data.vision,
        "horizon_start_year": data.horizon_start_year,
        "horizon_end_year": data.horizon_end_year,
        "initiatives": [i.model_dump(mode="json") for i in data.initiatives],
        "updated_by": caller.actor,
    }
    created = plan is None
    if plan is None:
        plan = MasterPlan(track_id=track.id, version=1, status=MasterPlanStatus.DRAFT, **fields)
        session.add(plan)
    else:
        for name, value in fields.items():
            setattr(plan, name, value)
        plan.version += 1
        plan.updated_at = sa.func.now()
    await session.flush()
    await session.refresh(plan)
    await plan_saved(session, track, plan)
    return plan, created


async def approve_plan(session: AsyncSession, track: Track, caller: Caller) -> MasterPlan:
    require_active(track)
    plan = await get_plan(session, track, lock=True)
    if plan is None:
        raise AppError(MASTERPLAN_MISSING, "The track has no master plan to approve yet.")
    if plan.status == MasterPlanStatus.APPROVED:
        raise AppError(MASTERPLAN_ALREADY_APPROVED, "The master plan is already approved.")
    # a draft saved under an earlier rule is judged by the rules in force before it is frozen
    problems = plan_problems(MasterPlanIn.model_validate(stored_fields(plan)))
    if problems:
        raise AppError(
            MASTERPLAN_INVALID,
            "The draft has {count} problem(s) under the rules in force; correct it (PUT) before approving.",
            errors=problems,
            count=len(problems),
        )
    plan.status = MasterPlanStatus.APPROVED
    plan.version += 1
    plan.approved_at = plan.updated_at = sa.func.now()
    plan.approved_by = caller.actor
    await session.flush()
    await session.refresh(plan)
    await plan_approved(session, track, plan)
    return plan


def stored_fields(plan: MasterPlan) -> dict[str, object]:
    return {
        "vision": plan.vision,
        "horizon_start_year": plan.horizon_start_year,
        "horizon_end_year": plan.horizon_end_year,
        "initiatives": plan.initiatives,
    }


def roadmap(plan: MasterPlan) -> list[RoadmapYear]:
    """Each year of the horizon with, per dimension, the initiatives running that year."""
    years = []
    for year in range(plan.horizon_start_year, plan.horizon_end_year + 1):
        dimensions: dict[str, list[RoadmapEntry]] = {d: [] for d in Dimension}
        for index, item in enumerate(plan.initiatives):
            if item["start_year"] <= year <= item["end_year"] and item["dimension"] in dimensions:
                dimensions[item["dimension"]].append(
                    RoadmapEntry(index=index, title=item["title"], quick_win=item["quick_win"])
                )
        years.append(RoadmapYear(year=year, dimensions=dimensions))
    return years


def plan_out(plan: MasterPlan) -> MasterPlanOut:
    return MasterPlanOut(
        track_id=plan.track_id,
        vision=plan.vision,
        horizon_start_year=plan.horizon_start_year,
        horizon_end_year=plan.horizon_end_year,
        initiatives=[Initiative.model_validate(i) for i in plan.initiatives],
        status=MasterPlanStatus(plan.status),
        version=plan.version,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        updated_by=plan.updated_by,
        approved_at=plan.approved_at,
        approved_by=plan.approved_by,
        roadmap=roadmap(plan),
    )
