"""Every chart by name: how to get its figures and draw them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..masterplans.service import masterplans_report
from ..mentoring.service import mentoring_report
from ..monitoring.service import monitoring_report
from ..overview.service import overview
from ..scope import Scope
from ..vocabulary import Lang
from . import specs, tilemap

Spec = dict[str, Any]
Builder = Callable[[AsyncSession, Scope, Lang], Awaitable[Spec]]


def _from(report: Callable[..., Awaitable[Any]], draw: Callable[..., Spec]) -> Builder:
    async def build(session: AsyncSession, scope: Scope, lang: Lang) -> Spec:
        return draw(await report(session, scope, lang), scope, lang)

    return build


CHARTS: dict[str, Builder] = {
    "funnel": _from(overview, specs.funnel),
    "stages": _from(overview, specs.stages),
    "map": _from(overview, tilemap.tile_map),
    "waiting": _from(mentoring_report, specs.waiting),
    "initiatives": _from(masterplans_report, specs.initiatives),
    "achievement": _from(monitoring_report, specs.achievement),
}
