"""`GET /api/v1/reports/charts/{name}.svg|.png`: a chart or the map, drawn from the same figures as the reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path
from smartcity_kit.db import SessionDep
from smartcity_kit.problems import NotFound, problem_responses
from starlette.responses import Response

from ..exports.negotiation import MEDIA_TYPES, NotAcceptable
from ..exports.respond import LangQuery
from ..scope import ScopeDep
from .catalogue import CHARTS
from .render import fingerprint, render

router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
FORMATS = ("svg", "png")


@router.get(
    "/charts/{file}",
    summary="A chart (funnel, stages, waiting, initiatives) or the tile-grid map of the provinces, as SVG or PNG",
    response_class=Response,
    responses={
        200: {
            "content": {
                MEDIA_TYPES["svg"]: {"schema": {"type": "string"}},
                MEDIA_TYPES["png"]: {"schema": {"type": "string", "format": "binary"}},
            }
        },
        304: {"description": "The caller's copy (If-None-Match) is current."},
        **problem_responses(401, 403, 404, 406, 422),
    },
)
async def read_chart(
    session: SessionDep,
    scope: ScopeDep,
    file: Annotated[
        str, Path(description="`<name>.svg` or `<name>.png`; names: " + ", ".join(CHARTS) + ".", max_length=60)
    ],
    lang: LangQuery = "id",
    if_none_match: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    name, dot, format_ = file.rpartition(".")
    if not dot or name not in CHARTS:
        raise NotFound("No chart '{name}'. Charts: {charts}.", name=name or file, charts=", ".join(CHARTS))
    if format_ not in FORMATS:
        raise NotAcceptable("A chart comes as {formats}; not as '{format}'.", FORMATS, asked=format_)
    spec = await CHARTS[name](session, scope, lang)
    key = fingerprint(spec, format_)
    etag = f'"{key}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if if_none_match and etag in (t.strip() for t in if_none_match.split(",")):
        return Response(status_code=304, headers=headers)
    return Response(await render(spec, format_, key), media_type=MEDIA_TYPES[format_], headers=headers)
