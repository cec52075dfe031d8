"""HTTP routes of reports: the JSON bulk form, submission, verification, reopening, history."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses
from smartcity_vocabulary import ReportStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import AssignedMentorOrStaff, CanManageProgramme, OwnRegionOrStaff
from ..dependencies import PathPeriod, RegionCode, VisibleReport
from ..problems import (
    PERIOD_LOCKED,
    REPORT_ALREADY_REOPENED,
    REPORT_EMPTY,
    REPORT_FINAL,
    REPORT_NOT_EDITABLE,
    REPORT_NOT_SUBMITTED,
)
from . import service
from .content import from_json
from .models import Report, ReportChange
from .schemas import DecisionIn, ReopenIn, ReportChangeOut, ReportIn, ReportOut

router = APIRouter(prefix="/api/v1/monitoring/periods/{code}/reports", tags=["monitoring-reports"])


async def answer(session: AsyncSession, report: Report, response: Response) -> ReportOut:
    set_etag(response, service.report_etag(report))
    return await service.report_out(session, report)


@router.get("", response_model=Page[ReportOut], responses=problem_responses(401, 404, 422))
async def list_reports(
    period: PathPeriod,
    session: SessionDep,
    caller: CallerDep,
    status: ReportStatus | None = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ReportOut]:
    stmt = sa.select(Report).where(Report.period_code == period.code, service.visible(caller))
    if status:
        stmt = stmt.where(Report.status == status)
    rows, next_cursor = await keyset_page(
        session, stmt, keys=[Report.region_code], key_of=lambda r: [r.region_code], limit=limit, cursor=cursor
    )
    return Page(items=[await service.report_out(session, r) for r in rows], next_cursor=next_cursor)


@router.get("/{region_code}", response_model=ReportOut, responses=problem_responses(401, 404))
async def get_report(report: VisibleReport, session: SessionDep, response: Response) -> ReportOut:
    return await answer(session, report, response)


@router.put(
    "/{region_code}",
    response_model=ReportOut,
    responses=problem_responses(401, 403, 404, PERIOD_LOCKED, REPORT_NOT_EDITABLE, 412, 422, REPORT_EMPTY, 428, 503),
    dependencies=[OwnRegionOrStaff],
)
async def put_report(
    period: PathPeriod,
    region_code: RegionCode,
    body: ReportIn,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ReportOut:
    """Replace the region's figures for the period, all or nothing; `If-Match` once the report exists.

    `submit` submits it in the same step; `dry_run` checks everything and stores nothing.
    """
    content = from_json(body)
    report, content = await service.write_report(
        session,
        request.app.state.documents,
        request,
        period,
        region_code,
        content,
        caller,
        submit=body.submit,
        dry_run=body.dry_run,
    )
    if body.dry_run:
        return service.dry_run_out(period, region_code, report, content, submit=body.submit)
    assert report is not None
    return await answer(session, report, response)


@router.post(
    "/{region_code}/submit",
    response_model=ReportOut,
    responses=problem_responses(401, 403, 404, PERIOD_LOCKED, REPORT_NOT_EDITABLE, 422, REPORT_EMPTY),
    dependencies=[OwnRegionOrStaff],
)
async def submit_report(
    period: PathPeriod, region_code: RegionCode, session: SessionDep, caller: CallerDep, response: Response
) -> ReportOut:
    report = await service.submit(session, period, region_code, caller)
    return await answer(session, report, response)


@router.post(
    "/{region_code}/review",
    response_model=ReportOut,
    responses=problem_responses(401, 403, 404, REPORT_NOT_SUBMITTED, 422),
    dependencies=[AssignedMentorOrStaff],
)
async def review_report(
    period: PathPeriod,
    region_code: RegionCode,
    body: DecisionIn,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ReportOut:
    """Accept or return (with a comment) a submitted report: an operator or a mentor of the region's track."""
    report = await service.decide(session, period, region_code, body.decision, body.comment, caller)
    return await answer(session, report, response)


@router.post(
    "/{region_code}/reopen",
    response_model=ReportOut,
    responses=problem_responses(401, 403, 404, REPORT_FINAL, REPORT_ALREADY_REOPENED, REPORT_NOT_EDITABLE, 422),
    dependencies=[CanManageProgramme],
)
async def reopen_report(
    period: PathPeriod,
    region_code: RegionCode,
    body: ReopenIn,
    session: SessionDep,
    caller: CallerDep,
    response: Response,
) -> ReportOut:
    """Let the region submit after `locks_on` or in a locked period."""
    report = await service.reopen(session, period, region_code, body.reason, caller)
    return await answer(session, report, response)


@router.get("/{region_code}/history", response_model=Page[ReportChangeOut], responses=problem_responses(401, 404, 422))
async def read_report_history(
    report: VisibleReport,
    session: SessionDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ReportChangeOut]:
    rows, next_cursor = await keyset_page(
        session,
        sa.select(ReportChange).where(ReportChange.report_id == report.id),
        keys=[ReportChange.id],
        key_of=lambda c: [c.id],
        limit=limit,
        cursor=cursor,
        convert=[int],
    )
    items = [
        ReportChangeOut(
            id=c.id, from_status=c.from_status, to_status=c.to_status, actor=c.actor, reason=c.reason, at=c.at
        )
        for c in rows
    ]
    return Page(items=items, next_cursor=next_cursor)
