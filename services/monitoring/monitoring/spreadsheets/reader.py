"""Reading an uploaded report (XLSX or CSV) into a report's content, naming every bad cell at once.

A problem names its sheet, row and column as a spreadsheet shows them
(`{"sheet": "Indicators", "row": "7", "column": "H", "field": "Indicators!H7", "message": ...}`);
the rows' indicators and initiatives are then checked like the JSON form's.
"""

from __future__ import annotations

import csv
import io
import math
import uuid
import warnings
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from smartcity_kit.problems import Unprocessable

from ..reports.content import Content, StatusEntry, ValueEntry, Where
from ..vocabulary import InitiativeStatus
from .layout import CSV_COLUMNS, CSV_SHEET, INDICATOR_COLUMNS, INDICATORS, INITIATIVE_COLUMNS, INITIATIVES, MAX_ROWS
from .safety import runs_as_formula

STATUSES = tuple(str(s) for s in InitiativeStatus)


class Cells:
    """One sheet's rows with their header, and the problems found in them."""

    def __init__(self, sheet: str, rows: Iterable[Sequence[Any]], problems: list[dict[str, str]], csv_form: bool):
        self.sheet, self.problems, self.csv_form = sheet, problems, csv_form
        self.rows = iter(rows)
        self.columns: dict[str, int] = {}

    def where(self, row: int, column: int | str) -> Where:
        letter = column if isinstance(column, str) else get_column_letter(column + 1)
        field = f"row {row}, column {letter}" if self.csv_form else f"{self.sheet}!{letter}{row}"
        return {"sheet": self.sheet, "row": str(row), "column": letter, "field": field}

    def bad(self, row: int, column: int | str, message: str) -> None:
        self.problems.append({**self.where(row, column), "message": message})

    def read_header(self, wanted: Sequence[str]) -> bool:
        header = next(self.rows, None) or ()
        names = [str(v).strip().lower() if v is not None else "" for v in header]
        for name in wanted:
            if name in names:
                self.columns[name] = names.index(name)
            elif name.startswith("target"):
                continue
            else:
                self.bad(1, len(names), f"The header has no column '{name}'.")
        return all(n in self.columns for n in wanted if not n.startswith("target"))

    def body(self) -> Iterable[tuple[int, dict[str, Any]]]:
        """(row number, {column name: value}) of every row that holds anything."""
        for number, raw in enumerate(self.rows, start=2):
            if number > MAX_ROWS + 1:
                self.bad(number, "A", f"More than {MAX_ROWS} rows; split the report.")
                return
            row = {name: raw[i] if i < len(raw) else None for name, i in self.columns.items()}
            if any(v not in (None, "") for v in row.values()):
                yield number, row

    def column_of(self, name: str) -> int | str:
        return name if self.csv_form else self.columns[name]

    def uuid(self, number: int, row: dict[str, Any], name: str) -> UUID | None:
        try:
            return uuid.UUID(str(row[name]).strip())
        except ValueError:
            self.bad(number, self.column_of(name), "Not an id from the template.")
            return None

    def number(self, number: int, row: dict[str, Any], name: str) -> float | None:
        value = row[name]
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str):
            text = value.strip()
            if runs_as_formula(text) and text[:1] == "=":
                self.bad(number, self.column_of(name), "A formula; type the value itself.")
                return None
            if "," in text and "." not in text:
                text = text.replace(",", ".")  # a decimal comma, as Indonesian spreadsheets write it
            try:
                value = float(text)
            except ValueError:
                value = None
        if not isinstance(value, int | float) or not math.isfinite(value):
            self.bad(number, self.column_of(name), "Not a finite number.")
            return None
        return float(value)

    def text(self, number: int, row: dict[str, Any], name: str) -> str | None:
        value = row.get(name)
        if value in (None, ""):
            return None
        text = str(value).strip()
        if runs_as_formula(text):
            self.bad(number, self.column_of(name), "Text may not start with =, +, - or @: it would run as a formula.")
            return None
        if len(text) > 2000:
            self.bad(number, self.column_of(name), "At most 2000 characters.")
            return None
        return text or None

    def documents(self, number: int, row: dict[str, Any], name: str) -> list[UUID]:
        text = self.text(number, row, name)
        out = []
        for part in (text or "").replace(";", ",").replace(" ", ",").split(","):
            if part:
                try:
                    out.append(uuid.UUID(part))
                except ValueError:
                    self.bad(number, self.column_of(name), f"'{part[:40]}' is not a document id.")
        return out

    def value_entry(self, number: int, row: dict[str, Any], id_column: str) -> ValueEntry | None:
        tracked_id = self.uuid(number, row, id_column)
        if row.get("value") in (None, ""):
            return None  # not measured this period
        value = self.number(number, row, "value")
        comment = self.text(number, row, "comment")
        evidence = self.documents(number, row, "evidence_document_ids")
        if tracked_id is None or value is None:
            return None
        return ValueEntry(
            tracked_id,
            value,
            comment,
            evidence,
            {
                "tracked_indicator_id": self.where(number, self.column_of(id_column)),
                "value": self.where(number, self.column_of("value")),
                "evidence_document_ids": self.where(number, self.column_of("evidence_document_ids")),
            },
        )

    def status_entry(self, number: int, row: dict[str, Any], id_column: str, note: str) -> StatusEntry | None:
        initiative_id = self.uuid(number, row, id_column)
        status = row.get("status")
        if status in (None, ""):
            return None  # nothing said about this initiative
        status = str(status).strip().lower()
        if status not in STATUSES:
            self.bad(number, self.column_of("status"), f"The status is one of {', '.join(STATUSES)}.")
        progress = self.number(number, row, "progress")
        if progress is not None and not 0 <= progress <= 100:
            self.bad(number, self.column_of("progress"), "Progress is a percentage within 0-100.")
        text = self.text(number, row, note)
        if initiative_id is None or status not in STATUSES or progress is None:
            return None
        return StatusEntry(
            initiative_id,
            status,
            progress,
            text,
            {
                "initiative_id": self.where(number, self.column_of(id_column)),
                "progress": self.where(number, self.column_of("progress")),
            },
        )


def refuse(problems: list[dict[str, str]]) -> None:
    if problems:
        raise Unprocessable(f"The spreadsheet has {len(problems)} problem(s); nothing was stored.", errors=problems)


def read_xlsx(data: bytes) -> Content:
    """The content of a workbook made from the template (zip size already checked)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it does not read
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise Unprocessable(
            "The workbook cannot be read.", errors=[{"field": "body", "message": f"Not a readable XLSX: {exc}"[:300]}]
        ) from exc
    problems: list[dict[str, str]] = []
    content = Content()
    try:
        for name in (INDICATORS, INITIATIVES):
            if name not in workbook.sheetnames:
                problems.append({"sheet": name, "field": name, "message": f"The workbook has no sheet '{name}'."})
        refuse(problems)
        indicators = Cells(INDICATORS, workbook[INDICATORS].iter_rows(values_only=True), problems, csv_form=False)
        if indicators.read_header([n for n, _ in INDICATOR_COLUMNS]):
            for number, row in indicators.body():
                if (entry := indicators.value_entry(number, row, "tracked_indicator_id")) is not None:
                    content.values.append(entry)
        initiatives = Cells(INITIATIVES, workbook[INITIATIVES].iter_rows(values_only=True), problems, csv_form=False)
        if initiatives.read_header([n for n, _ in INITIATIVE_COLUMNS]):
            for number, row in initiatives.body():
                if (status := initiatives.status_entry(number, row, "initiative_id", "note")) is not None:
                    content.initiatives.append(status)
    finally:
        workbook.close()
    refuse(problems)
    return content


def read_csv(data: bytes) -> Content:
    """The content of a CSV: `kind` says whether a row is an indicator's value or an initiative's status."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable(
            "The CSV is not UTF-8 text.", errors=[{"field": "body", "message": "Save the CSV as UTF-8."}]
        ) from exc
    if "\x00" in text:
        raise Unprocessable("The file is not a CSV.", errors=[{"field": "body", "message": "Binary content."}])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in an Indonesian locale writes `;`
    problems: list[dict[str, str]] = []
    cells = Cells(CSV_SHEET, csv.reader(io.StringIO(text), delimiter=delimiter), problems, csv_form=True)
    content = Content()
    if cells.read_header(CSV_COLUMNS):
        for number, row in cells.body():
            kind = str(row["kind"] or "").strip().lower()
            if kind == "indicator":
                if (value := cells.value_entry(number, row, "id")) is not None:
                    content.values.append(value)
            elif kind == "initiative":
                if (status := cells.status_entry(number, row, "id", "comment")) is not None:
                    content.initiatives.append(status)
            else:
                cells.bad(number, "kind", "The kind is 'indicator' or 'initiative'.")
    refuse(problems)
    return content
