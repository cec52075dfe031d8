"""The pre-filled XLSX template of a region's report for a period: its indicators and its initiatives."""

from __future__ import annotations

import io
import uuid
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.ext.asyncio import AsyncSession

from ..indicators.models import TrackedIndicator
from ..periods.models import Period
from ..portfolio.models import Initiative
from ..reports.models import Report, ReportInitiative, ReportValue
from ..vocabulary import InitiativeStatus
from .layout import INDICATOR_COLUMNS, INDICATORS, INITIATIVE_COLUMNS, INITIATIVES
from .safety import neutralise

FILL_IN = PatternFill("solid", fgColor="FFF2CC")  # the cells the region fills in
BOLD = Font(bold=True)


async def template_rows(
    session: AsyncSession, period: Period, region_code: str
) -> tuple[list[list[Any]], list[list[Any]]]:
    """(indicator rows, initiative rows) in the template's column order, with what the report already holds."""
    report_id = (
        await session.execute(
            sa.select(Report.id).where(Report.period_code == period.code, Report.region_code == region_code)
        )
    ).scalar()
    values: dict[uuid.UUID, ReportValue] = {}
    statuses: dict[uuid.UUID, ReportInitiative] = {}
    if report_id is not None:
        values = {
            v.tracked_indicator_id: v
            for v in (await session.execute(sa.select(ReportValue).where(ReportValue.report_id == report_id))).scalars()
        }
        statuses = {
            s.initiative_id: s
            for s in (
                await session.execute(sa.select(ReportInitiative).where(ReportInitiative.report_id == report_id))
            ).scalars()
        }
    tracked = (
        await session.execute(
            sa.select(TrackedIndicator, Initiative)
            .join(Initiative, Initiative.id == TrackedIndicator.initiative_id)
            .where(TrackedIndicator.region_code == region_code)
            .order_by(Initiative.track_id, Initiative.index, TrackedIndicator.created_at, TrackedIndicator.id)
        )
    ).all()
    indicator_rows = []
    for t, initiative in tracked:
        value = values.get(t.id)
        indicator_rows.append(
            [
                str(t.id),
                initiative.title,
                t.name,
                t.unit,
                t.direction,
                t.baseline_value,
                t.targets.get(str(period.year)),
                value.value if value else None,
                value.comment if value else None,
                ", ".join(value.evidence_document_ids) if value and value.evidence_document_ids else None,
            ]
        )
    initiatives = (
        await session.execute(
            sa.select(Initiative)
            .where(Initiative.region_code == region_code)
            .order_by(Initiative.track_id, Initiative.index)
        )
    ).scalars()
    initiative_rows = []
    for initiative in initiatives:
        status = statuses.get(initiative.id)
        initiative_rows.append(
            [
                str(initiative.id),
                initiative.title,
                initiative.dimension,
                status.status if status else None,
                status.progress if status else None,
                status.note if status else None,
            ]
        )
    return indicator_rows, initiative_rows


def build_workbook(period: Period, indicator_rows: list[list[object]], initiative_rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    indicators = workbook.active
    assert indicators is not None
    indicators.title = INDICATORS
    initiatives = workbook.create_sheet(INITIATIVES)
    for sheet, columns, rows in (
        (indicators, INDICATOR_COLUMNS, indicator_rows),
        (initiatives, INITIATIVE_COLUMNS, initiative_rows),
    ):
        sheet.append([name if name != "target" else f"target {period.year}" for name, _ in columns])
        for cell in sheet[1]:
            cell.font = BOLD
        for row in rows:
            # titles and comments are the region's own text: never let one run as a formula
            sheet.append([neutralise(value) for value in row])
        for index, (_, filled_in) in enumerate(columns, start=1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = 38 if index <= 3 else 16
            if filled_in:
                for row_number in range(2, len(rows) + 2):
                    sheet.cell(row=row_number, column=index).fill = FILL_IN
        sheet.freeze_panes = "A2"
    if initiative_rows:
        choice = DataValidation(type="list", formula1=f'"{",".join(InitiativeStatus)}"', allow_blank=True)
        initiatives.add_data_validation(choice)
        choice.add(f"D2:D{len(initiative_rows) + 1}")
        progress = DataValidation(type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True)
        initiatives.add_data_validation(progress)
        progress.add(f"E2:E{len(initiative_rows) + 1}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
