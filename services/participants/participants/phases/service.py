"""Phases: creating, reading, counting participants per status, and the lock that serialises selection."""

from __future__ import annotations

import sqlalchemy as sa
from smartcity_kit.problems import AppError, NotFound
from smartcity_vocabulary import ParticipantStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..applications.models import Participant
from ..problems import PHASE_CODE_TAKEN
from .events import phase_created
from .models import Phase
from .schemas import PhaseDetail, PhaseIn, PhaseOut


async def create_phase(session: AsyncSession, data: PhaseIn) -> Phase:
    if await session.get(Phase, data.code) is not None:
        raise AppError(PHASE_CODE_TAKEN, "A phase with the code '{code}' already exists.", code=data.code)
    phase = Phase(**data.model_dump())
    session.add(phase)
    await session.flush()
    await session.refresh(phase)
    await phase_created(session, phase)
    return phase


async def get_phase(session: AsyncSession, code: str) -> Phase:
    phase = await session.get(Phase, code)
    if phase is None:
        raise NotFound("No phase has the code '{code}'.", code=code)
    return phase


async def lock_phase(session: AsyncSession, code: str) -> Phase:
    """The phase row, locked: selections, rejections and withdrawals of one phase take turns."""
    stmt = sa.select(Phase).where(Phase.code == code).with_for_update().execution_options(populate_existing=True)
    phase = (await session.execute(stmt)).scalar()
    if phase is None:
        raise NotFound("No phase has the code '{code}'.", code=code)
    return phase


async def counts_of(session: AsyncSession, code: str) -> dict[str, int]:
    rows = await session.execute(
        sa.select(Participant.status, sa.func.count())
        .where(Participant.phase_code == code)
        .group_by(Participant.status)
    )
    found = dict(rows.all())
    return {status: found.get(status, 0) for status in ParticipantStatus}


def phase_out(phase: Phase) -> PhaseOut:
    return PhaseOut.model_validate(phase, from_attributes=True)


def phase_detail(phase: Phase, counts: dict[str, int]) -> PhaseDetail:
    return PhaseDetail(**phase_out(phase).model_dump(), counts=counts)
