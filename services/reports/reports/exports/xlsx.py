"""A report as an XLSX workbook: one sheet per table, a bold frozen header row, typed cells."""

from __future__ import annotations

import io
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .tables import Table, neutralise

DATE_FORMAT = "yyyy-mm-dd"
RATE_FORMAT = "0.0%"


def render_xlsx(tables: list[Table], title: str) -> bytes:
    workbook = Workbook(write_only=False)
    for blank in list(workbook.worksheets):  # a new workbook comes with one empty sheet
        workbook.remove(blank)
    workbook.properties.title = title
    bold = Font(bold=True)
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        sheet.append(table.columns)
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([neutralise(v) for v in row])
        widths = [len(c) for c in table.columns]
        for index, column in enumerate(table.columns, start=1):
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if isinstance(cell.value, date) and not isinstance(cell.value, datetime):
                    cell.number_format = DATE_FORMAT
                elif column.endswith("_rate"):
                    cell.number_format = RATE_FORMAT
                widths[index - 1] = max(widths[index - 1], len(str(cell.value)) if cell.value is not None else 0)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(widths[index - 1] + 2, 8), 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
