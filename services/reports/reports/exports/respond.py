"""The one way a report leaves the service, in the form the caller chose."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Header, Query
from pydantic import BaseModel
from smartcity_kit.problems import Unprocessable
from smartcity_kit.problemtypes import FieldError
from starlette.responses import Response

from .csv import render_csv
from .negotiation import MEDIA_TYPES
from .tables import tables_of
from .xlsx import render_xlsx

FormatQuery = Annotated[
    str | None,
    Query(
        alias="format",
        description="json, csv or xlsx (overrides `Accept`); anything else is 406 with the list.",
        max_length=20,
    ),
]
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
TableQuery = Annotated[
    str | None, Query(description="For CSV: which table (default the first, `summary`).", max_length=40)
]
LangQuery = Annotated[Literal["id", "en"], Query(description="Labels in Indonesian (default) or English.")]


def _filename(stem: str, suffix: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{stem}.{suffix}"', "Vary": "Accept"}


def render(report: BaseModel, format_: str, *, stem: str, table: str | None = None) -> Response:
    if format_ == "json":
        return Response(report.model_dump_json(), media_type=MEDIA_TYPES["json"], headers={"Vary": "Accept"})
    tables = tables_of(report)
    if format_ == "csv":
        names = [t.name for t in tables]
        chosen = tables[0] if table is None else next((t for t in tables if t.name == table), None)
        if chosen is None:
            raise Unprocessable(
                "No table '{table}' in this report.",
                errors=[
                    FieldError("table", "not_one_of", "Must be one of: {expected}.", {"expected": ", ".join(names)})
                ],
                table=table,
            )
        return Response(
            render_csv(chosen),
            media_type="text/csv; charset=utf-8",
            headers=_filename(f"{stem}-{chosen.name}", "csv"),
        )
    if format_ == "xlsx":
        return Response(render_xlsx(tables, stem), media_type=MEDIA_TYPES["xlsx"], headers=_filename(stem, "xlsx"))
    raise AssertionError(f"no renderer for {format_}")


def content(model: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The `responses[200]` of a report route: every form it comes in."""
    return {
        200: {
            "content": {
                MEDIA_TYPES["json"]: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}},
                MEDIA_TYPES["csv"]: {"schema": {"type": "string"}},
                MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    }
