"""Attaching indicators to initiatives and changing their baseline and targets (If-Match)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import Request
from smartcity_kit.etag import etag_of, require_if_match
from smartcity_kit.i18n import message_id
from smartcity_kit.identity import Caller
from smartcity_kit.problems import AppError, NotFound, Unprocessable
from smartcity_kit.problemtypes import FieldError
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import may_write_for, region_scope
from ..events import BaselineData, IndicatorAttached, TargetData, emit
from ..portfolio.models import Initiative
from ..problems import INDICATOR_ALREADY_TRACKED
from .models import CatalogueIndicator, TrackedIndicator
from .schemas import AttachIn, Baseline, Target, Targets, TrackedIndicatorOut
from .validation import target_problems


def tracked_etag(tracked: TrackedIndicator) -> str:
    return etag_of({"tracked_indicator": str(tracked.id), "version": tracked.version})


def targets_json(targets: list[Target]) -> dict[str, float]:
    return {str(t.year): t.value for t in sorted(targets, key=lambda t: t.year)}


def tracked_out(t: TrackedIndicator) -> TrackedIndicatorOut:
    return TrackedIndicatorOut(
        id=t.id,
        initiative_id=t.initiative_id,
        region_code=t.region_code,
        indicator_code=t.indicator_code,
        name=t.name,
        unit=t.unit,  # type: ignore[arg-type]
        direction=t.direction,  # type: ignore[arg-type]
        baseline=Baseline(value=t.baseline_value, year=t.baseline_year),
        targets=[Target(year=int(year), value=value) for year, value in sorted(t.targets.items())],
        version=t.version,
        created_at=t.created_at,
        created_by=t.created_by,
        updated_at=t.updated_at,
        updated_by=t.updated_by,
    )


NOT_YOURS_INITIATIVE = message_id("No initiative of region {region_code} may be changed by you.")
NOT_YOURS_TRACKED = message_id("No tracked indicator of region {region_code} may be changed by you.")


def require_writer(caller: Caller, region_code: str, refusal: str) -> None:
    """404 (`refusal`, naming the region) unless `caller` writes for the region."""
    if not may_write_for(caller, region_code):
        # a mentor or partner who can see the region still may not write for it
        raise NotFound(refusal, region_code=region_code)


async def attach(session: AsyncSession, initiative: Initiative, data: AttachIn, caller: Caller) -> TrackedIndicator:
    require_writer(caller, initiative.region_code, NOT_YOURS_INITIATIVE)
    if (data.indicator_code is None) == (data.own is None):
        raise Unprocessable(
            "Name a catalogue indicator or describe your own, not both and not neither.",
            errors=[FieldError("indicator_code", "exactly_one", "Give exactly one of indicator_code and own.")],
        )
    if data.indicator_code is not None:
        catalogue = await session.get(CatalogueIndicator, data.indicator_code)
        if catalogue is None:
            raise Unprocessable(
                "The catalogue has no indicator '{code}'.",
                errors=[FieldError("indicator_code", "unknown_indicator", "Unknown indicator.")],
                code=data.indicator_code,
            )
        name, unit, direction = catalogue.name_en, catalogue.unit, catalogue.direction
    else:
        assert data.own is not None
        name, unit, direction = data.own.name, data.own.unit, data.own.direction
    problems = target_problems(
        data, unit=unit, direction=direction, start_year=initiative.start_year, end_year=initiative.end_year
    )
    if problems:
        raise Unprocessable(
            "The indicator has {count} problem(s); nothing was saved.", errors=problems, count=len(problems)
        )
    if data.indicator_code is not None:
        taken = await session.execute(
            sa.select(TrackedIndicator.id).where(
                TrackedIndicator.initiative_id == initiative.id, TrackedIndicator.indicator_code == data.indicator_code
            )
        )
        if taken.scalar() is not None:
            raise AppError(
                INDICATOR_ALREADY_TRACKED, "The initiative already measures '{code}'.", code=data.indicator_code
            )
    tracked = TrackedIndicator(
        id=uuid.uuid4(),
        initiative_id=initiative.id,
        region_code=initiative.region_code,
        indicator_code=data.indicator_code,
        name=name,
        unit=unit,
        direction=direction,
        baseline_value=data.baseline.value,
        baseline_year=data.baseline.year,
        targets=targets_json(data.targets),
        created_by=caller.actor,
        updated_by=caller.actor,
    )
    session.add(tracked)
    await session.flush()
    await session.refresh(tracked)
    await emit(
        session,
        f"tracked-indicators/{tracked.id}",
        IndicatorAttached(
            tracked_indicator_id=tracked.id,
            initiative_id=initiative.id,
            region_code=initiative.region_code,
            indicator_code=tracked.indicator_code,
            name=name,
            unit=unit,
            direction=direction,
            baseline=BaselineData.model_validate(data.baseline.model_dump()),
            targets=[TargetData.model_validate(t.model_dump()) for t in data.targets],
        ),
    )
    return tracked


async def tracked_or_404(
    session: AsyncSession, caller: Caller, tracked_id: uuid.UUID, *, lock: bool = False
) -> tuple[TrackedIndicator, Initiative]:
    stmt = (
        sa.select(TrackedIndicator, Initiative)
        .join(Initiative, Initiative.id == TrackedIndicator.initiative_id)
        .where(TrackedIndicator.id == tracked_id, region_scope(caller, TrackedIndicator.region_code))
    )
    if lock:
        stmt = stmt.with_for_update(of=TrackedIndicator).execution_options(populate_existing=True)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise NotFound("No tracked indicator {tracked_id} is visible to you.", tracked_id=tracked_id)
    return row[0], row[1]


async def change_targets(
    session: AsyncSession, request: Request, tracked_id: uuid.UUID, data: Targets, caller: Caller
) -> TrackedIndicator:
    tracked, initiative = await tracked_or_404(session, caller, tracked_id, lock=True)
    require_writer(caller, tracked.region_code, NOT_YOURS_TRACKED)
    require_if_match(request, tracked_etag(tracked))
    problems = target_problems(
        data,
        unit=tracked.unit,
        direction=tracked.direction,
        start_year=initiative.start_year,
        end_year=initiative.end_year,
    )
    if problems:
        raise Unprocessable(
            "The targets have {count} problem(s); nothing was saved.", errors=problems, count=len(problems)
        )
    tracked.baseline_value, tracked.baseline_year = data.baseline.value, data.baseline.year
    tracked.targets = targets_json(data.targets)
    tracked.version += 1
    tracked.updated_by = caller.actor
    tracked.updated_at = sa.func.now()
    await session.flush()
    await session.refresh(tracked)
    return tracked


async def tracked_of_initiative(session: AsyncSession, initiative_id: uuid.UUID) -> list[TrackedIndicator]:
    stmt = (
        sa.select(TrackedIndicator)
        .where(TrackedIndicator.initiative_id == initiative_id)
        .order_by(TrackedIndicator.created_at, TrackedIndicator.id)
    )
    return list((await session.execute(stmt)).scalars())
