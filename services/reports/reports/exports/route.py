"""One GET route per report: scope, form (JSON, CSV, XLSX), labels' language; the same for every report."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from fastapi import APIRouter
from pydantic import BaseModel
from smartcity_kit.db import SessionDep
from smartcity_kit.problems import problem_responses
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.responses import Response

from ..scope import Scope, ScopeDep
from ..vocabulary import Lang
from .negotiation import choose
from .respond import AcceptHeader, FormatQuery, LangQuery, TableQuery, content, render

FORMATS = ("json", "csv", "xlsx")


def stem(name: str, scope: Scope) -> str:
    """The download's file name, e.g. `overview-2027-32.73`; only safe characters."""
    parts = [name, scope.phase_code or "all", scope.region_code or scope.province_code or "id"]
    return re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(parts))


def report_route(
    router: APIRouter,
    name: str,
    model: type[BaseModel],
    build: Callable[[AsyncSession, Scope, Lang], Awaitable[BaseModel]],
    summary: str,
) -> None:
    async def read(
        session: SessionDep,
        scope: ScopeDep,
        format_: FormatQuery = None,
        accept: AcceptHeader = None,
        table: TableQuery = None,
        lang: LangQuery = "id",
    ) -> Response:
        chosen = choose(format_, accept, FORMATS)
        return render(await build(session, scope, lang), chosen, stem=stem(name, scope), table=table)

    read.__name__ = f"read_{name}"
    router.add_api_route(
        f"/{name}",
        read,
        methods=["GET"],
        response_model=model,
        summary=summary,
        responses={**content(model), **problem_responses(401, 403, 404, 406, 422)},
    )
