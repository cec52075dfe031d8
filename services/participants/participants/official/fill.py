"""Filling an assessment's missing official indicators from what the owning ministries published.

When an assessment omits one of the four official indicators, the latest value
published for the region (the newest year) is taken, and the answer's `sources`
says where each score came from: the assessor, or a ministry's index of a year.
A kabupaten has no sustainable city index, so none is filled for it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from .models import INDICES, PublishedIndex

ASSESSOR = {"kind": "assessor"}


async def latest_published(session: AsyncSession, region_code: str) -> dict[str, PublishedIndex]:
    rows = (
        await session.execute(
            sa.select(PublishedIndex)
            .where(PublishedIndex.region_code == region_code)
            .order_by(PublishedIndex.index, PublishedIndex.year.desc())
        )
    ).scalars()
    latest: dict[str, PublishedIndex] = {}
    for row in rows:  # the newest year of each index comes first
        latest.setdefault(row.index, row)
    return latest


async def fill_official(
    session: AsyncSession, region_code: str, kind: str, scores: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """(scores with the gaps filled where a value was published, the source of every score given)."""
    published = await latest_published(session, region_code)
    filled = dict(scores)
    sources: dict[str, dict[str, Any]] = {}
    for name in INDICES:
        if name == "sustainable_city_index" and kind == "kabupaten":
            continue
        if filled.get(name) is not None:
            sources[name] = ASSESSOR
        elif (row := published.get(name)) is not None:
            filled[name] = row.value
            sources[name] = {
                "kind": "official_index",
                "organization": row.organization,
                "year": row.year,
                "published_at": row.published_at.isoformat(),
            }
    return filled, sources
