"""What a route's path names, found once: `period: PathPeriod`, `portfolio: VisiblePortfolio`, ... Each is 404 when
there is none or the caller may not see it (scoped as `access.region_scope` says), so existence does not leak."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Path
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import CallerDep

from .indicators.models import TrackedIndicator
from .indicators.service import tracked_or_404
from .periods.models import Period
from .periods.service import period_or_404
from .portfolio.models import Initiative, Portfolio
from .portfolio.service import initiative_or_404, portfolio_or_404
from .reports.models import Report
from .reports.service import report_or_404
from .vocabulary import PERIOD_CODE, REGION_CODE

RegionCode = Annotated[str, Path(pattern=REGION_CODE)]


async def path_period(session: SessionDep, code: str = Path(pattern=PERIOD_CODE)) -> Period:
    return await period_or_404(session, code)


PathPeriod = Annotated[Period, Depends(path_period)]


async def visible_portfolio(track_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Portfolio:
    return await portfolio_or_404(session, caller, track_id)


VisiblePortfolio = Annotated[Portfolio, Depends(visible_portfolio)]


async def visible_initiative(initiative_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Initiative:
    return await initiative_or_404(session, caller, initiative_id)


VisibleInitiative = Annotated[Initiative, Depends(visible_initiative)]


async def visible_tracked(tracked_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> TrackedIndicator:
    tracked, _ = await tracked_or_404(session, caller, tracked_id)
    return tracked


VisibleTracked = Annotated[TrackedIndicator, Depends(visible_tracked)]


async def visible_report(period: PathPeriod, region_code: RegionCode, session: SessionDep, caller: CallerDep) -> Report:
    return await report_or_404(session, caller, period.code, region_code)


VisibleReport = Annotated[Report, Depends(visible_report)]
