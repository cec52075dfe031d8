"""Reading the curriculum: the stages in order, and what follows a stage."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Stage


async def list_stages(session: AsyncSession) -> list[Stage]:
    return list((await session.execute(sa.select(Stage).order_by(Stage.position))).scalars())


async def get_stage(session: AsyncSession, code: str, *, lock: bool = False) -> Stage | None:
    stmt = sa.select(Stage).where(Stage.code == code)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar()


async def first_stage_code(session: AsyncSession) -> str:
    code = (await session.execute(sa.select(Stage.code).order_by(Stage.position).limit(1))).scalar()
    if code is None:  # the seed migration has not run: a deployment error, not a caller's
        raise RuntimeError("The curriculum has no stages; run mentoring-migrate.")
    return code


async def stage_after(session: AsyncSession, stage: Stage) -> Stage | None:
    stmt = sa.select(Stage).where(Stage.position > stage.position).order_by(Stage.position).limit(1)
    return (await session.execute(stmt)).scalar()
