"""HTTP routes of the spreadsheet form of a report: the pre-filled template, and uploads of it (XLSX or CSV)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from smartcity_kit.bodylimit import STREAMED_BODY
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.problems import PayloadTooLarge, UnsupportedMediaType, problem_responses
from starlette.concurrency import run_in_threadpool

from ..access import OwnRegionOrStaff
from ..dependencies import PathPeriod, RegionCode
from ..problems import PERIOD_LOCKED, REPORT_EMPTY, REPORT_NOT_EDITABLE
from ..reports import service
from ..reports.router import answer
from ..reports.schemas import ReportOut
from .layout import XLSX
from .reader import read_csv, read_xlsx
from .safety import check_zip
from .template import build_workbook, template_rows

router = APIRouter(prefix="/api/v1/monitoring/periods/{code}/reports", tags=["monitoring-reports"])
CSV_TYPES = ("text/csv", "application/csv")


@router.get(
    "/{region_code}/template.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **problem_responses(401, 403, 404)},
    dependencies=[OwnRegionOrStaff],
)
async def download_template(
    period: PathPeriod, region_code: RegionCode, session: SessionDep, caller: CallerDep
) -> Response:
    """The region's indicators and initiatives for the period, pre-filled with what its report holds."""
    service.require_writer(caller, region_code, period.code)
    indicator_rows, initiative_rows = await template_rows(session, period, region_code)
    body = await run_in_threadpool(build_workbook, period, indicator_rows, initiative_rows)
    filename = f"laporan-{region_code}-{period.code}.xlsx"
    return Response(body, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) as soon as it passes `limit`: nothing larger is ever held."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge("The file is larger than {max} bytes; nothing was stored.", max=limit)
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/{region_code}/upload",
    response_model=ReportOut,
    responses=problem_responses(
        401, 403, 404, PERIOD_LOCKED, REPORT_NOT_EDITABLE, 412, 413, 415, 422, REPORT_EMPTY, 503
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                XLSX: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **STREAMED_BODY,  # bounded by MONITORING_UPLOAD_MAX_BYTES as it is read
    },
    dependencies=[OwnRegionOrStaff],
)
async def upload_report(
    period: PathPeriod,
    region_code: RegionCode,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
    submit: Annotated[bool, Query(description="Submit the report once stored.")] = False,
    dry_run: Annotated[bool, Query(description="Check everything, store nothing.")] = False,
) -> ReportOut:
    """The filled-in template (XLSX) or a CSV (`kind,id,value,comment,evidence_document_ids,status,progress`):
    all or nothing, every bad cell named by sheet, row and column in one 422."""
    settings = request.app.state.settings
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (XLSX, *CSV_TYPES):
        raise UnsupportedMediaType("Send the report as {media_type} or text/csv.", media_type=XLSX)
    service.require_writer(caller, region_code, period.code)
    data = await read_body(request, settings.upload_max_bytes)
    if media_type == XLSX:
        check_zip(data, settings.upload_max_unpacked_bytes)
        content = await run_in_threadpool(read_xlsx, data)
    else:
        content = await run_in_threadpool(read_csv, data)
    report, content = await service.write_report(
        session,
        request.app.state.documents,
        request,
        period,
        region_code,
        content,
        caller,
        submit=submit,
        dry_run=dry_run,
        etag_required=False,
    )
    if dry_run:
        return service.dry_run_out(period, region_code, report, content, submit=submit)
    assert report is not None
    set_etag(response, service.report_etag(report))
    return await answer(session, report, response)
