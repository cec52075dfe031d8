"""One table of a report as CSV (RFC 4180, UTF-8, a header row)."""

from __future__ import annotations

import csv
import io
from datetime import date

from .tables import Table, neutralise


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return neutralise(value)


def render_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode("utf-8")
