"""Every chart by name: how to get its figures and draw them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..overview.service import overview
from ..scope import Scope
from ..vocabulary import Lang
from . import specs, tilemap

Spec = dict[str, Any]
Builder = Callable[[AsyncSession, Scope, Lang], Awaitable[Spec]]


def _from_overview(draw: Callable[..., Spec]) -> Builder:
    async def build(session: AsyncSession, scope: Scope, lang: Lang) -> Spec:
        return draw(await overview(session, scope, lang), scope, lang)

    return build


CHARTS: dict[str, Builder] = {
    "funnel": _from_overview(specs.funnel),
    "stages": _from_overview(specs.stages),
    "map": _from_overview(tilemap.tile_map),
}
