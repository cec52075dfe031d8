"""Publishing official indices: only the ministry that owns an index, a year's values at once, all or nothing.

A value new or different from the one published for the region and year is
stored and announced (`official_index.published`, one per region, so each
names its region); the same value again changes nothing.
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, Unprocessable
from smartcity_kit.problemtypes import FieldError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..events import OfficialIndexPublished, emit_many
from ..problems import OFFICIAL_INDEX_OWNER_ONLY
from ..vocabulary import OFFICIAL_INDICES, REGION_CODE, OfficialIndex
from .models import OfficialValue
from .schemas import OfficialValuesIn

_REGION = re.compile(REGION_CODE)


def require_owner(caller: Caller, index: OfficialIndex) -> str:
    """The caller's organisation when it owns `index`; 403 otherwise (an organisation publishes its own index)."""
    owner = OFFICIAL_INDICES[index]
    if caller.role != Role.PARTNER or caller.organization != owner:
        raise AppError(
            OFFICIAL_INDEX_OWNER_ONLY, "Only an API key of {owner} publishes the {index}.", owner=owner, index=index
        )
    return owner


def values_from_csv(data: bytes) -> OfficialValuesIn:
    """`region_code,value` rows; every bad row named in one 422."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable(
            "The CSV is not UTF-8 text.", errors=[FieldError("body", "not_utf8", "Not UTF-8.")]
        ) from exc
    rows = list(csv.reader(io.StringIO(text)))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if header[:2] != ["region_code", "value"]:
        raise Unprocessable(
            "The CSV starts with the header region_code,value.",
            errors=[FieldError("row 1", "bad_header", "Expected the header region_code,value.")],
        )
    problems: list[FieldError] = []
    values: list[dict[str, object]] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        code = row[0].strip() if row else ""
        raw = row[1].strip().replace(",", ".") if len(row) > 1 else ""
        if not _REGION.match(code):
            problems.append(
                FieldError(f"row {number}, column region_code", "not_a_region", "Not a region code like 32.73.")
            )
        try:
            value = float(raw)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or not 0 <= value <= 100:
            problems.append(FieldError(f"row {number}, column value", "not_a_percentage", "A number within 0-100."))
        values.append({"region_code": code, "value": value})
    if problems:
        raise Unprocessable(
            "The CSV has {count} problem(s); nothing was published.", errors=problems, count=len(problems)
        )
    if not values:
        raise Unprocessable("The CSV has no values.", errors=[FieldError("body", "empty", "No rows.")])
    return OfficialValuesIn.model_validate({"values": values})


async def publish(
    session: AsyncSession, index: OfficialIndex, year: int, data: OfficialValuesIn, caller: Caller
) -> tuple[str, int]:
    organization = require_owner(caller, index)
    seen: dict[str, int] = {}
    for i, item in enumerate(data.values):
        if item.region_code in seen:
            raise Unprocessable(
                "Region {region_code} is given twice.",
                errors=[
                    FieldError(
                        f"values[{i}].region_code",
                        "duplicate",
                        "Also in values[{index}].",
                        {"index": seen[item.region_code]},
                    )
                ],
                region_code=item.region_code,
            )
        seen[item.region_code] = i
    current = dict(
        (
            await session.execute(
                sa.select(OfficialValue.region_code, OfficialValue.value).where(
                    OfficialValue.index == index, OfficialValue.year == year
                )
            )
        ).all()
    )
    changed = [item for item in data.values if current.get(item.region_code) != item.value]
    if not changed:
        return organization, 0
    now = datetime.now(UTC)
    rows = [
        {
            "index": index,
            "year": year,
            "region_code": item.region_code,
            "value": item.value,
            "organization": organization,
            "published_at": now,
            "published_by": caller.actor,
        }
        for item in changed
    ]
    stmt = insert(OfficialValue).values(rows)
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[OfficialValue.index, OfficialValue.year, OfficialValue.region_code],
            set_={c: stmt.excluded[c] for c in ("value", "organization", "published_at", "published_by")},
        )
    )
    await emit_many(
        session,
        [
            (f"official-indices/{index}/{year}/{row['region_code']}", OfficialIndexPublished.model_validate(row))
            for row in rows
        ],
    )
    return organization, len(changed)
