"""A report model seen as tables: each list field one table, each nested model a table of one row.

The columns are the row model's fields in order, so an empty table still has
its header; the values keep their types (numbers stay numbers, dates dates).
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    rows: list[list[Any]]


def _row_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
    return None


def tables_of(report: BaseModel, skip: tuple[str, ...] = ("scope",)) -> list[Table]:
    tables = []
    for name, field in type(report).model_fields.items():
        model = _row_model(field.annotation)
        if name in skip or model is None:
            continue
        columns = list(model.model_fields)
        value = getattr(report, name)
        items = value if isinstance(value, list) else [value]
        tables.append(Table(name, columns, [[getattr(item, c) for c in columns] for item in items]))
    return tables


# a cell a spreadsheet would read as a formula (or a DDE command) starts with one of these
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run is shown as text: a leading apostrophe (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
