"""`GET /api/v1/reports/overview`: the programme overview as JSON, CSV or XLSX."""

from __future__ import annotations

import re

from fastapi import APIRouter
from smartcity_kit.db import SessionDep
from smartcity_kit.problems import problem_responses
from starlette.responses import Response

from ..exports.negotiation import choose
from ..exports.respond import AcceptHeader, FormatQuery, LangQuery, TableQuery, content, render
from ..scope import Scope, ScopeDep
from .schemas import Overview
from .service import overview

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
FORMATS = ("json", "csv", "xlsx")


def stem(name: str, scope: Scope) -> str:
    """The download's file name: `overview-2027-32.73`; only safe characters."""
    parts = [name, scope.phase_code or "all", scope.region_code or scope.province_code or "id"]
    return re.sub(r"[^A-Za-z0-9._-]", "_", "-".join(parts))


@router.get(
    "/overview",
    response_model=Overview,
    summary="The programme overview: funnel, provinces, time zones, MoUs, tracks per stage, completion",
    responses={**content(Overview), **problem_responses(401, 403, 404, 406, 422)},
)
async def read_overview(
    session: SessionDep,
    scope: ScopeDep,
    format_: FormatQuery = None,
    accept: AcceptHeader = None,
    table: TableQuery = None,
    lang: LangQuery = "id",
) -> Response:
    chosen = choose(format_, accept, FORMATS)
    report = await overview(session, scope, lang)
    return render(report, chosen, stem=stem("overview", scope), table=table)
