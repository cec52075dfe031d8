"""A report's content however it arrived (JSON, XLSX, CSV), and its checks against the region's portfolio.

Each entry carries where each of its fields came from (a JSON path, or a sheet,
row and column), so that every problem is named where the region can find it,
all of them in one 422, before anything is stored.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.problems import Unprocessable
from smartcity_kit.problemtypes import FieldError
from sqlalchemy.ext.asyncio import AsyncSession

from ..indicators.models import TrackedIndicator
from ..indicators.validation import value_problems
from ..portfolio.models import Initiative
from .schemas import ReportIn

Where = dict[str, str]


@dataclass
class ValueEntry:
    tracked_indicator_id: uuid.UUID
    value: float
    comment: str | None
    evidence_document_ids: list[uuid.UUID]
    where: dict[str, Where]


@dataclass
class StatusEntry:
    initiative_id: uuid.UUID
    status: str
    progress: float
    note: str | None
    where: dict[str, Where]


@dataclass
class Content:
    values: list[ValueEntry] = field(default_factory=list)
    initiatives: list[StatusEntry] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.values and not self.initiatives


def json_where(prefix: str, names: tuple[str, ...]) -> dict[str, Where]:
    return {name: {"field": f"{prefix}.{name}"} for name in names}


def from_json(body: ReportIn) -> Content:
    values = [
        ValueEntry(
            v.tracked_indicator_id,
            v.value,
            v.comment,
            list(v.evidence_document_ids),
            json_where(f"values[{i}]", ("tracked_indicator_id", "value", "evidence_document_ids")),
        )
        for i, v in enumerate(body.values)
    ]
    statuses = [
        StatusEntry(
            s.initiative_id,
            s.status,
            s.progress,
            s.note,
            json_where(f"initiatives[{i}]", ("initiative_id", "progress")),
        )
        for i, s in enumerate(body.initiatives)
    ]
    return Content(values, statuses)


@dataclass(frozen=True)
class PlacedError(FieldError):
    """A field error that names where it is as the region finds it: a JSON path (`field`), or besides it the
    `sheet`, `row` and `column` of an uploaded spreadsheet."""

    where: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def render(self, language: str) -> dict[str, str]:
        return {**self.where, **super().render(language)}


def placed(where: Where, code: str, message: str, **values: Any) -> PlacedError:
    """The problem of the field `where` names: `code`, and `message` (an English message id, `{name}`s from
    `values`)."""
    return PlacedError(where["field"], code, message, values, where)


async def check_content(session: AsyncSession, documents: DocumentsClient, region_code: str, content: Content) -> None:
    """422 naming every problem, or nothing: indicators and initiatives of this region, values in range, evidence."""
    problems: list[FieldError] = []
    wanted = {v.tracked_indicator_id for v in content.values}
    tracked = {
        t.id: t
        for t in (
            await session.execute(
                sa.select(TrackedIndicator).where(
                    TrackedIndicator.id.in_(wanted), TrackedIndicator.region_code == region_code
                )
            )
        ).scalars()
    }
    seen: set[uuid.UUID] = set()
    for entry in content.values:
        indicator = tracked.get(entry.tracked_indicator_id)
        if indicator is None:
            # one answer for unknown and another region's: existence elsewhere does not leak
            problems.append(
                placed(
                    entry.where["tracked_indicator_id"],
                    "not_an_indicator_of_region",
                    "No indicator of region {region_code}.",
                    region_code=region_code,
                )
            )
            continue
        if entry.tracked_indicator_id in seen:
            problems.append(
                placed(entry.where["tracked_indicator_id"], "duplicate", "A second value for this indicator.")
            )
        seen.add(entry.tracked_indicator_id)
        for p in value_problems("value", entry.value, indicator.unit):
            problems.append(placed(entry.where["value"], p.code, p.message, **p.values))
    initiative_ids = {s.initiative_id for s in content.initiatives}
    known = set(
        (
            await session.execute(
                sa.select(Initiative.id).where(Initiative.id.in_(initiative_ids), Initiative.region_code == region_code)
            )
        ).scalars()
    )
    seen = set()
    for status in content.initiatives:
        if status.initiative_id not in known:
            problems.append(
                placed(
                    status.where["initiative_id"],
                    "not_an_initiative_of_region",
                    "No initiative of region {region_code}.",
                    region_code=region_code,
                )
            )
        elif status.initiative_id in seen:
            problems.append(placed(status.where["initiative_id"], "duplicate", "A second status for this initiative."))
        seen.add(status.initiative_id)
        if not 0 <= status.progress <= 100:
            problems.append(
                placed(status.where["progress"], "not_a_percentage", "Progress is a percentage within 0-100.")
            )
    if problems:
        raise Unprocessable(
            "The report has {count} problem(s); nothing was stored.", errors=problems, count=len(problems)
        )
    # only a report that is otherwise right costs calls to the documents service
    checked: dict[uuid.UUID, bool] = {}
    for entry in content.values:
        for document_id in entry.evidence_document_ids:
            if document_id not in checked:
                document = await documents.find(document_id)
                checked[document_id] = document is not None and document.region_code == region_code
            if not checked[document_id]:
                problems.append(
                    placed(
                        entry.where["evidence_document_ids"],
                        "not_a_document_of_region",
                        "No document {document_id} of region {region_code} exists.",
                        document_id=document_id,
                        region_code=region_code,
                    )
                )
    if problems:
        raise Unprocessable(
            "The report has {count} problem(s); nothing was stored.", errors=problems, count=len(problems)
        )
