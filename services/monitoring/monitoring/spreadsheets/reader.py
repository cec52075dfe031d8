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
from smartcity_kit.problemtypes import FieldError

from ..reports.content import Content, StatusEntry, ValueEntry, Where, placed
from ..vocabulary import InitiativeStatus
from .layout import CSV_COLUMNS, CSV_SHEET, INDICATOR_COLUMNS, INDICATORS, INITIATIVE_COLUMNS, INITIATIVES, MAX_ROWS
from .safety import runs_as_formula

STATUSES = tuple(str(s) for s in InitiativeStatus)


class Cells:
    """One sheet's rows with their header, and the problems found in them."""

    def __init__(self, sheet: str, rows: Iterable[Sequence[Any]], problems: list[FieldError], csv_form: bool):
        self.sheet, self.problems, self.csv_form = sheet, problems, csv_form
        self.rows = iter(rows)
        self.columns: dict[str, int] = {}

    def where(self, row: int, column: int | str) -> Where:
        letter = column if isinstance(column, str) else get_column_letter(column + 1)
        field = f"row {row}, column {letter}" if self.csv_form else f"{self.sheet}!{letter}{row}"
        return {"sheet": self.sheet, "row": str(row), "column": letter, "field": field}

    def bad(self, problem: FieldError) -> None:
        self.problems.append(problem)

    def read_header(self, wanted: Sequence[str]) -> bool:
        header = next(self.rows, None) or ()
        names = [str(v).strip().lower() if v is not None else "" for v in header]
        for name in wanted:
            if name in names:
                self.columns[name] = names.index(name)
            elif name.startswith("target"):
                continue
            else:
                self.bad(
                    placed(self.where(1, len(names)), "missing_column", "The header has no column '{name}'.", name=name)
                )
        return all(n in self.columns for n in wanted if not n.startswith("target"))

    def body(self) -> Iterable[tuple[int, dict[str, Any]]]:
        """(row number, {column name: value}) of every row that holds anything."""
        for number, raw in enumerate(self.rows, start=2):
            if number > MAX_ROWS + 1:
                self.bad(
                    placed(
                        self.where(number, "A"),
                        "too_many_rows",
                        "More than {max} rows; split the report.",
                        max=MAX_ROWS,
                    )
                )
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
            self.bad(placed(self.where(number, self.column_of(name)), "not_a_uuid", "Not an id from the template."))
            return None

    def number(self, number: int, row: dict[str, Any], name: str) -> float | None:
        value = row[name]
        if isinstance(value, bool):
            value = None
        elif isinstance(value, str):
            text = value.strip()
            if runs_as_formula(text) and text[:1] == "=":
                self.bad(
                    placed(self.where(number, self.column_of(name)), "formula", "A formula; type the value itself.")
                )
                return None
            if "," in text and "." not in text:
                text = text.replace(",", ".")  # a decimal comma, as Indonesian spreadsheets write it
            try:
                value = float(text)
            except ValueError:
                value = None
        if not isinstance(value, int | float) or not math.isfinite(value):
            self.bad(placed(self.where(number, self.column_of(name)), "not_a_number", "Not a finite number."))
            return None
        return float(value)

    def text(self, number: int, row: dict[str, Any], name: str) -> str | None:
        value = row.get(name)
        if value in (None, ""):
            return None
        text = str(value).strip()
        if runs_as_formula(text):
            self.bad(
                placed(
                    self.where(number, self.column_of(name)),
                    "formula",
                    "Text may not start with =, +, - or @: it would run as a formula.",
                )
            )
            return None
        if len(text) > 2000:
            self.bad(
                placed(
                    self.where(number, self.column_of(name)),
                    "too_long",
                    "At most {max_length} characters.",
                    max_length=2000,
                )
            )
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
                    self.bad(
                        placed(
                            self.where(number, self.column_of(name)),
                            "not_a_uuid",
                            "'{value}' is not a document id.",
                            value=part[:40],
                        )
                    )
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
            self.bad(
                placed(
                    self.where(number, self.column_of("status")),
                    "not_one_of",
                    "The status is one of {expected}.",
                    expected=", ".join(STATUSES),
                )
            )
        progress = self.number(number, row, "progress")
        if progress is not None and not 0 <= progress <= 100:
            self.bad(
                placed(
                    self.where(number, self.column_of("progress")),
                    "not_a_percentage",
                    "Progress is a percentage within 0-100.",
                )
            )
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


def refuse(problems: list[FieldError]) -> None:
    if problems:
        raise Unprocessable(
            "The spreadsheet has {count} problem(s); nothing was stored.", errors=problems, count=len(problems)
        )


def read_xlsx(data: bytes) -> Content:
    """The content of a workbook made from the template (zip size already checked)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it does not read
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise Unprocessable(
            "The workbook cannot be read.",
            errors=[FieldError("body", "not_xlsx", "Not a readable XLSX: {reason}", {"reason": str(exc)[:270]})],
        ) from exc
    problems: list[FieldError] = []
    content = Content()
    try:
        for name in (INDICATORS, INITIATIVES):
            if name not in workbook.sheetnames:
                problems.append(
                    placed(
                        {"sheet": name, "field": name},
                        "missing_sheet",
                        "The workbook has no sheet '{name}'.",
                        name=name,
                    )
                )
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
            "The CSV is not UTF-8 text.", errors=[FieldError("body", "not_utf8", "Save the CSV as UTF-8.")]
        ) from exc
    if "\x00" in text:
        raise Unprocessable("The file is not a CSV.", errors=[FieldError("body", "binary", "Binary content.")])
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # Excel in an Indonesian locale writes `;`
    problems: list[FieldError] = []
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
                cells.bad(placed(cells.where(number, "kind"), "not_one_of", "The kind is 'indicator' or 'initiative'."))
    refuse(problems)
    return content
