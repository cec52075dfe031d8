"""Rules of regions: the upsert of an import and the lookups other domains need."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from smartcity_kit.db import row_dicts
from smartcity_kit.problems import AppError, NotFound
from smartcity_vocabulary import TimeZone
from sqlalchemy.ext.asyncio import AsyncSession

from ..problems import INVALID_REGIONS_FILE
from .events import statistics_updated
from .importer import CsvProblems, parse_regions_csv
from .models import Region
from .schemas import ImportResult, RegionOut
from .statistics import parse_statistics_csv

_FIELDS = ("name", "level", "kind", "province_code", "province_name", "time_zone")


async def import_regions(session: AsyncSession, data: bytes) -> ImportResult:
    """Upsert every row of a regions CSV, or nothing at all."""
    # one import at a time: counts stay true when two operators import at once
    await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('participants:regions-import'))"))
    existing = {r.code: r for r in (await session.execute(sa.select(Region))).scalars()}
    known_provinces = {code for code, r in existing.items() if r.level == "province"}
    try:
        rows = parse_regions_csv(data, known_provinces)
    except CsvProblems as exc:
        raise AppError(INVALID_REGIONS_FILE, "The file has bad rows; nothing was imported.", errors=exc.errors) from exc
    created = updated = unchanged = 0
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            session.add(Region(code=row.code, **{f: getattr(row, f) for f in _FIELDS}))
            created += 1
        elif all(getattr(current, f) == getattr(row, f) for f in _FIELDS):
            unchanged += 1
        else:
            for f in _FIELDS:
                setattr(current, f, getattr(row, f))
            current.updated_at = sa.func.now()
            updated += 1
    await session.flush()
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


_STATISTICS = ("population_male", "population_female", "population", "area_km2")


async def import_statistics(session: AsyncSession, data: bytes) -> ImportResult:
    """Upsert every region's population and area, or nothing; one event per region whose figures change.

    `created` counts regions that had no figures yet, `updated` those whose figures changed.
    """
    await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('participants:regions-import'))"))
    existing = {r.code: r for r in (await session.execute(sa.select(Region).with_for_update())).scalars()}
    try:
        rows = parse_statistics_csv(data, set(existing))
    except CsvProblems as exc:
        raise AppError(INVALID_REGIONS_FILE, "The file has bad rows; nothing was imported.", errors=exc.errors) from exc
    created = updated = unchanged = 0
    changed: list[Region] = []
    for row in rows:
        region = existing[row.code]
        if all(getattr(region, f) == getattr(row, f) for f in _STATISTICS):
            unchanged += 1
            continue
        if region.population is None:
            created += 1
        else:
            updated += 1
        for f in _STATISTICS:
            setattr(region, f, getattr(row, f))
        region.updated_at = sa.func.now()
        changed.append(region)
    await session.flush()
    for region in changed:
        await statistics_updated(session, region)
    return ImportResult(created=created, updated=updated, unchanged=unchanged)


# a region as the API shows it (RegionOut), each field a column: the rows go straight into the response model
# without an ORM entity and a model built per row (bench/hot_reads.md); the time zone's abbreviation from our
# own vocabulary, as literals
OUT_COLUMNS = (
    Region.code,
    Region.name,
    Region.level,
    Region.kind,
    Region.province_code,
    Region.province_name,
    Region.time_zone,
    sa.case(
        *(
            (Region.time_zone == sa.literal_column(f"'{zone.value}'"), sa.literal_column(f"'{zone.name}'"))
            for zone in TimeZone
        )
    ).label("time_zone_abbreviation"),
    Region.population_male,
    Region.population_female,
    Region.population,
    Region.area_km2,
)


async def get_region(session: AsyncSession, code: str) -> RegionOut:
    found = row_dicts(await session.execute(sa.select(*OUT_COLUMNS).where(Region.code == code)))
    if not found:
        raise NotFound("No region has the code '{code}'.", code=code)
    return RegionOut.model_validate(found[0])


def region_query(
    session: AsyncSession,
    *,
    q: str | None,
    province_code: str | None,
    kind: str | None,
    level: str | None,
) -> sa.Select[Any]:
    """The regions' list, as `OUT_COLUMNS`."""
    stmt = sa.select(*OUT_COLUMNS)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Region.name.ilike(f"%{escaped}%", escape="\\"))
    if province_code:
        stmt = stmt.where(Region.province_code == province_code)
    if kind:
        stmt = stmt.where(Region.kind == kind)
    if level:
        stmt = stmt.where(Region.level == level)
    return stmt
