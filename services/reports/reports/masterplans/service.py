"""The master plans report's figures, counted from the approved plans the mentoring feed carried."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from ..overview.schemas import ScopeOut
from ..projections.work import Initiative, MasterPlan
from ..scope import Scope
from ..vocabulary import DIMENSIONS, Lang, label
from .schemas import DimensionRow, ElementRow, HorizonRow, MasterPlansReport, PlansSummary


async def masterplans_report(session: AsyncSession, scope: Scope, lang: Lang = "id") -> MasterPlansReport:
    years = MasterPlan.horizon_end_year - MasterPlan.horizon_start_year + 1
    horizons = dict(
        (
            await session.execute(
                sa.select(years, sa.func.count()).where(*scope.where(MasterPlan)).group_by(years).order_by(years)
            )
        ).all()
    )
    plans = sum(horizons.values())
    in_scope = sa.select(MasterPlan.track_id).where(*scope.where(MasterPlan))
    stmt = (
        sa.select(
            Initiative.dimension,
            Initiative.element,
            sa.func.count(),
            sa.func.count().filter(Initiative.quick_win),
            sa.func.count(sa.distinct(Initiative.track_id)),
        )
        .where(Initiative.track_id.in_(in_scope))
        .group_by(Initiative.dimension, Initiative.element)
    )
    counts = {(d, e): (n, q) for d, e, n, q, _ in (await session.execute(stmt)).all()}
    plans_per_dimension = dict(
        (
            await session.execute(
                sa.select(Initiative.dimension, sa.func.count(sa.distinct(Initiative.track_id)))
                .where(Initiative.track_id.in_(in_scope))
                .group_by(Initiative.dimension)
            )
        ).all()
    )
    elements = [
        ElementRow(
            dimension=d, element=e, initiatives=counts.get((d, e), (0, 0))[0], quick_wins=counts.get((d, e), (0, 0))[1]
        )
        for d, names in DIMENSIONS.items()
        for e in names
    ]
    dimensions = [
        DimensionRow(
            dimension=d,
            label=label(d, lang),
            initiatives=sum(r.initiatives for r in elements if r.dimension == d),
            quick_wins=sum(r.quick_wins for r in elements if r.dimension == d),
            plans=plans_per_dimension.get(d, 0),
        )
        for d in DIMENSIONS
    ]
    total = sum(n for n, _ in counts.values())
    summary = PlansSummary(
        plans_approved=plans,
        initiatives=total,
        quick_wins=sum(q for _, q in counts.values()),
        average_initiatives=round(total / plans, 2) if plans else 0.0,
        average_horizon_years=round(sum(y * n for y, n in horizons.items()) / plans, 2) if plans else 0.0,
    )
    return MasterPlansReport(
        scope=ScopeOut(**scope.as_dict()),
        summary=summary,
        dimensions=dimensions,
        elements=elements,
        horizons=[HorizonRow(years=y, plans=n) for y, n in horizons.items()],
    )
