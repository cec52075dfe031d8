"""Opening and locking reporting periods; what "open" means for a region on a given day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from smartcity_kit.identity import Caller
from smartcity_kit.problems import AppError, NotFound
from smartcity_vocabulary import time_zone_of_region
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..events import PeriodLocked, PeriodOpened, emit
from ..problems import PERIOD_EXISTS
from ..vocabulary import PeriodStatus
from .models import Period
from .schemas import PeriodIn


def period_facts(period: Period) -> dict[str, object]:
    return {
        "period_code": period.code,
        "year": period.year,
        "starts_on": period.starts_on,
        "ends_on": period.ends_on,
        "due_on": period.due_on,
        "locks_on": period.locks_on,
    }


async def open_period(session: AsyncSession, data: PeriodIn, caller: Caller) -> Period:
    code = (
        await session.execute(
            insert(Period)
            .values(**data.model_dump(), year=int(data.code[:4]), opened_by=caller.actor)
            .on_conflict_do_nothing(index_elements=[Period.code])
            .returning(Period.code)
        )
    ).scalar()
    if code is None:
        raise AppError(PERIOD_EXISTS, "The period {code} exists already.", code=data.code)
    period = await session.get(Period, code)
    assert period is not None
    await emit(session, f"periods/{code}", PeriodOpened.model_validate(period_facts(period)))
    return period


async def period_or_404(session: AsyncSession, code: str, *, lock: bool = False) -> Period:
    stmt = sa.select(Period).where(Period.code == code)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    period = (await session.execute(stmt)).scalar()
    if period is None:
        raise NotFound("No reporting period {code}.", code=code)
    return period


async def lock_period(session: AsyncSession, code: str, by: str) -> Period | None:
    """Lock an open period and record `period.locked`; None when it was locked already (by a person or the job)."""
    locked = (
        await session.execute(
            sa.update(Period)
            .where(Period.code == code, Period.status == PeriodStatus.OPEN)
            .values(status=PeriodStatus.LOCKED, locked_at=sa.func.now(), locked_by=by)
            .returning(Period.code)
        )
    ).scalar()
    if locked is None:
        return None
    period = (
        await session.execute(sa.select(Period).where(Period.code == code).execution_options(populate_existing=True))
    ).scalar_one()
    await emit(session, f"periods/{code}", PeriodLocked.model_validate({**period_facts(period), "by": by}))
    return period


def local_today(region_code: str, now: datetime | None = None) -> date:
    """Today in the region's own time zone: a due date ends at the region's midnight."""
    zone = ZoneInfo(time_zone_of_region(region_code))
    return (now.astimezone(zone) if now else datetime.now(zone)).date()
