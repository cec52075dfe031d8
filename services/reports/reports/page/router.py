"""`GET /api/v1/reports/programme.html`: the printable overview (A4 landscape), charts and map inline."""

from __future__ import annotations

from fastapi import APIRouter
from smartcity_kit.db import SessionDep
from smartcity_kit.problems import problem_responses
from starlette.responses import HTMLResponse

from ..exports.respond import LangQuery
from ..scope import ScopeDep
from .service import programme_page

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])

# the page needs nothing from anywhere: no script, no font, no image but its own data: URIs
POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


@router.get(
    "/programme.html",
    summary="The programme overview as a printable page (A4 landscape) with its charts and map inline",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {"schema": {"type": "string"}}}},
        **problem_responses(401, 403, 404, 422),
    },
)
async def read_programme_page(session: SessionDep, scope: ScopeDep, lang: LangQuery = "id") -> HTMLResponse:
    html = await programme_page(session, scope, lang)
    return HTMLResponse(html, headers={"Content-Security-Policy": POLICY, "Cache-Control": "private, no-cache"})
