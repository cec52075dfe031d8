"""Report rules: writing a period's figures (all or nothing), submitting, deciding, reopening, and the history.

    draft --submit--> submitted --accept--> accepted
                          |
                          +--return--> returned --submit--> submitted ...

A region writes while its report is `draft` or `returned` and its period
accepts submissions: the period is open and `locks_on` has not passed in the
region's zone, unless an operator reopened the report. A submission after
`due_on` is accepted and marked late (the first submission decides).
"""

from __future__ import annotations

import uuid
from typing import NoReturn

import sqlalchemy as sa
from fastapi import Request
from smartcity_kit.catalogue import EventData
from smartcity_kit.documents_client import DocumentsClient
from smartcity_kit.etag import etag_of, require_if_match
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, Forbidden, NotFound, Unprocessable
from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import ReportDecision, ReportStatus
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..access import may_write_for, mentor_match, region_scope
from ..events import ReportAccepted, ReportReturned, ReportSubmitted, emit
from ..periods.models import Period
from ..periods.service import local_today
from ..portfolio.models import RegionMentor
from ..problems import (
    PERIOD_LOCKED,
    REPORT_ALREADY_REOPENED,
    REPORT_EMPTY,
    REPORT_FINAL,
    REPORT_NOT_EDITABLE,
    REPORT_NOT_SUBMITTED,
)
from ..results.service import drop_result, refresh_result
from ..vocabulary import PeriodStatus
from .content import Content, check_content
from .models import Report, ReportChange, ReportInitiative, ReportValue
from .schemas import InitiativeStatusOut, ReportOut, ValueOut

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def report_etag(report: Report) -> str:
    return etag_of({"report": str(report.id), "version": report.version})


def visible(caller: Caller) -> sa.ColumnElement[bool]:
    """The reports `caller` may read: partners only accepted ones, the others their regions' all."""
    condition = region_scope(caller, Report.region_code)
    if caller.role == Role.PARTNER:
        condition = sa.and_(condition, Report.status == ReportStatus.ACCEPTED)
    return condition


async def find_report(
    session: AsyncSession, caller: Caller, period_code: str, region_code: str, *, lock: bool = False
) -> Report | None:
    stmt = sa.select(Report).where(
        Report.period_code == period_code, Report.region_code == region_code, visible(caller)
    )
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar()


async def report_or_404(
    session: AsyncSession, caller: Caller, period_code: str, region_code: str, *, lock: bool = False
) -> Report:
    report = await find_report(session, caller, period_code, region_code, lock=lock)
    if report is None:
        raise NotFound(
            "No report of region {region_code} for {period_code} is visible to you.",
            region_code=region_code,
            period_code=period_code,
        )
    return report


def require_writer(caller: Caller, region_code: str, period_code: str) -> None:
    if not may_write_for(caller, region_code):
        raise NotFound(
            "No report of region {region_code} for {period_code} may be written by you.",
            region_code=region_code,
            period_code=period_code,
        )


def require_accepting(period: Period, report: Report | None, region_code: str) -> None:
    """409 when the period takes no more submissions from the region (an operator may reopen its report)."""
    if report is not None and report.reopened:
        return
    if period.status != PeriodStatus.OPEN:
        raise AppError(
            PERIOD_LOCKED,
            "The period {period_code} is locked; an operator may reopen the region's report.",
            period_code=period.code,
        )
    if local_today(region_code) > period.locks_on:
        raise AppError(
            PERIOD_LOCKED,
            "The period {period_code} locked on {locks_on}; an operator may reopen the report.",
            period_code=period.code,
            locks_on=period.locks_on,
        )


def refuse_empty() -> NoReturn:
    raise AppError(
        REPORT_EMPTY, "An empty report cannot be submitted.", errors=[FieldError("values", "empty", "Empty.")]
    )


def require_editable(report: Report) -> None:
    if report.status not in EDITABLE:
        raise AppError(
            REPORT_NOT_EDITABLE,
            "The report is {status}; it changes only while draft or returned.",
            status=report.status,
        )


async def write_report(
    session: AsyncSession,
    documents: DocumentsClient,
    request: Request | None,
    period: Period,
    region_code: str,
    content: Content,
    caller: Caller,
    *,
    submit: bool,
    dry_run: bool,
    etag_required: bool = True,
) -> tuple[Report | None, Content]:
    """Replace the report's figures (and submit it when asked). Returns (report, content); the report is None in a
    dry run of a report never stored. A stored report needs `If-Match` (`etag_required`), or is checked against it
    when one is sent (an upload of a filled-in template)."""
    require_writer(caller, region_code, period.code)
    report = await find_report(session, caller, period.code, region_code, lock=True)
    require_accepting(period, report, region_code)
    if report is not None:
        require_editable(report)
        if request is not None and (etag_required or request.headers.get("if-match") is not None):
            require_if_match(request, report_etag(report))
    if submit and content.is_empty():
        refuse_empty()
    await check_content(session, documents, region_code, content)
    if dry_run:
        return report, content
    if report is None:
        report = await create_report(session, period.code, region_code, caller)
    await session.execute(sa.delete(ReportValue).where(ReportValue.report_id == report.id))
    await session.execute(sa.delete(ReportInitiative).where(ReportInitiative.report_id == report.id))
    if content.values:
        await session.execute(
            sa.insert(ReportValue),
            [
                {
                    "report_id": report.id,
                    "tracked_indicator_id": v.tracked_indicator_id,
                    "value": v.value,
                    "comment": v.comment,
                    "evidence_document_ids": [str(d) for d in v.evidence_document_ids],
                }
                for v in content.values
            ],
        )
    if content.initiatives:
        await session.execute(
            sa.insert(ReportInitiative),
            [
                {
                    "report_id": report.id,
                    "initiative_id": s.initiative_id,
                    "status": s.status,
                    "progress": s.progress,
                    "note": s.note,
                }
                for s in content.initiatives
            ],
        )
    report.version += 1
    report.updated_by = caller.actor
    report.updated_at = sa.func.now()
    await session.flush()
    if submit:
        await transition(session, report, ReportStatus.SUBMITTED, caller, None)
    await session.refresh(report)
    return report, content


async def create_report(session: AsyncSession, period_code: str, region_code: str, caller: Caller) -> Report:
    """The region's report for the period, made once even when two writers race (the unique pair decides)."""
    await session.execute(
        insert(Report)
        .values(id=uuid.uuid4(), period_code=period_code, region_code=region_code, updated_by=caller.actor)
        .on_conflict_do_nothing(index_elements=[Report.period_code, Report.region_code])
    )
    stmt = (
        sa.select(Report)
        .where(Report.period_code == period_code, Report.region_code == region_code)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    report = (await session.execute(stmt)).scalar_one()
    require_editable(report)
    return report


async def transition(
    session: AsyncSession, report: Report, to: ReportStatus, caller: Caller, reason: str | None
) -> None:
    """Move the report, write its history and its event, in the caller's transaction."""
    frm = report.status
    period = await session.get(Period, report.period_code)
    assert period is not None
    if to == ReportStatus.SUBMITTED:
        if report.first_submitted_at is None:
            report.first_submitted_at = sa.func.now()
            report.late = local_today(report.region_code) > period.due_on
        report.submitted_at = sa.func.now()
    else:
        report.decided_at = sa.func.now()
        report.decided_by = caller.actor
        report.decision_comment = reason
    report.status = to
    report.version += 1
    report.updated_at = sa.func.now()
    report.updated_by = caller.actor
    session.add(ReportChange(report_id=report.id, from_status=frm, to_status=to, actor=caller.actor, reason=reason))
    await session.flush()
    await session.refresh(report)
    facts = {
        "report_id": report.id,
        "period_code": report.period_code,
        "region_code": report.region_code,
        "from_": frm,
        "to": to,
        "actor": caller.actor,
    }
    if to == ReportStatus.SUBMITTED:
        data: EventData = ReportSubmitted.model_validate(
            {**facts, "late": report.late, "resubmission": frm == ReportStatus.RETURNED}
        )
    else:
        data = (ReportAccepted if to == ReportStatus.ACCEPTED else ReportReturned).model_validate(
            {**facts, "comment": reason}
        )
    await emit(session, f"reports/{report.id}", data)


async def submit(session: AsyncSession, period: Period, region_code: str, caller: Caller) -> Report:
    require_writer(caller, region_code, period.code)
    report = await report_or_404(session, caller, period.code, region_code, lock=True)
    require_accepting(period, report, region_code)
    require_editable(report)
    if not await has_content(session, report):
        refuse_empty()
    await transition(session, report, ReportStatus.SUBMITTED, caller, None)
    return report


async def has_content(session: AsyncSession, report: Report) -> bool:
    values = sa.select(ReportValue.report_id).where(ReportValue.report_id == report.id)
    statuses = sa.select(ReportInitiative.report_id).where(ReportInitiative.report_id == report.id)
    return bool((await session.execute(sa.select(sa.or_(sa.exists(values), sa.exists(statuses))))).scalar())


async def may_decide(session: AsyncSession, caller: Caller, region_code: str) -> bool:
    """An operator, or a mentor assigned to the region's track."""
    if caller.is_staff:
        return True
    if caller.role != Role.MENTOR:
        return False
    stmt = sa.select(RegionMentor.track_id).where(mentor_match(caller), RegionMentor.region_code == region_code)
    return (await session.execute(stmt.limit(1))).first() is not None


async def decide(
    session: AsyncSession,
    period: Period,
    region_code: str,
    decision: ReportDecision,
    comment: str | None,
    caller: Caller,
) -> Report:
    if caller.role not in (Role.ADMIN, Role.OPERATOR, Role.MENTOR):
        raise Forbidden("The role '{role}' may not verify reports.", role=caller.role)
    if not await may_decide(session, caller, region_code):
        raise NotFound(
            "No report of region {region_code} for {period_code} is visible to you.",
            region_code=region_code,
            period_code=period.code,
        )
    report = await report_or_404(session, caller, period.code, region_code, lock=True)
    if report.status != ReportStatus.SUBMITTED:
        raise AppError(
            REPORT_NOT_SUBMITTED,
            "The report is {status}; only a submitted report is accepted or returned.",
            status=report.status,
        )
    if decision == ReportStatus.RETURNED and not comment:
        raise Unprocessable(
            "A returned report says what to correct.", errors=[FieldError("comment", "required", "Required.")]
        )
    await transition(session, report, decision, caller, comment)
    if decision == ReportStatus.ACCEPTED:
        await refresh_result(session, report, period)
    return report


async def reopen(session: AsyncSession, period: Period, region_code: str, reason: str, caller: Caller) -> Report:
    """Let the region submit after `locks_on` (or in a locked period); an accepted report stays final."""
    report = await find_report(session, caller, period.code, region_code, lock=True)
    if report is None:
        report = await create_report(session, period.code, region_code, caller)
    if report.status == ReportStatus.ACCEPTED:
        raise AppError(REPORT_FINAL, "The report is accepted; it is final.")
    if report.reopened:
        raise AppError(REPORT_ALREADY_REOPENED, "The report is reopened already.")
    report.reopened = True
    report.version += 1
    report.updated_at = sa.func.now()
    report.updated_by = caller.actor
    session.add(
        ReportChange(
            report_id=report.id, from_status=report.status, to_status=report.status, actor=caller.actor, reason=reason
        )
    )
    await session.flush()
    await session.refresh(report)
    await drop_result(session, report)
    return report


async def report_out(session: AsyncSession, report: Report) -> ReportOut:
    values = (
        await session.execute(
            sa.select(ReportValue).where(ReportValue.report_id == report.id).order_by(ReportValue.tracked_indicator_id)
        )
    ).scalars()
    statuses = (
        await session.execute(
            sa.select(ReportInitiative)
            .where(ReportInitiative.report_id == report.id)
            .order_by(ReportInitiative.initiative_id)
        )
    ).scalars()
    return ReportOut(
        id=report.id,
        period_code=report.period_code,
        region_code=report.region_code,
        status=report.status,  # type: ignore[arg-type]
        version=report.version,
        late=report.late,
        reopened=report.reopened,
        first_submitted_at=report.first_submitted_at,
        submitted_at=report.submitted_at,
        decided_at=report.decided_at,
        decided_by=report.decided_by,
        decision_comment=report.decision_comment,
        updated_at=report.updated_at,
        updated_by=report.updated_by,
        values=[
            ValueOut(
                tracked_indicator_id=v.tracked_indicator_id,
                value=v.value,
                comment=v.comment,
                evidence_document_ids=[uuid.UUID(d) for d in v.evidence_document_ids],
            )
            for v in values
        ],
        initiatives=[
            InitiativeStatusOut(initiative_id=s.initiative_id, status=s.status, progress=s.progress, note=s.note)  # type: ignore[arg-type]
            for s in statuses
        ],
    )


def dry_run_out(
    period: Period, region_code: str, report: Report | None, content: Content, *, submit: bool
) -> ReportOut:
    """What the report would read like once stored (status and version as they would be after the write)."""
    return ReportOut(
        id=report.id if report else None,
        period_code=period.code,
        region_code=region_code,
        status=ReportStatus.SUBMITTED if submit else ReportStatus(report.status if report else ReportStatus.DRAFT),
        version=(report.version if report else 1) + (2 if submit else 1),
        late=report.late if report else False,
        reopened=report.reopened if report else False,
        first_submitted_at=report.first_submitted_at if report else None,
        submitted_at=report.submitted_at if report else None,
        decided_at=report.decided_at if report else None,
        decided_by=report.decided_by if report else None,
        decision_comment=report.decision_comment if report else None,
        updated_at=report.updated_at if report else None,
        updated_by=report.updated_by if report else None,
        values=[
            ValueOut(
                tracked_indicator_id=v.tracked_indicator_id,
                value=v.value,
                comment=v.comment,
                evidence_document_ids=v.evidence_document_ids,
            )
            for v in sorted(content.values, key=lambda v: str(v.tracked_indicator_id))
        ],
        initiatives=[
            InitiativeStatusOut(initiative_id=s.initiative_id, status=s.status, progress=s.progress, note=s.note)  # type: ignore[arg-type]
            for s in sorted(content.initiatives, key=lambda s: str(s.initiative_id))
        ],
        dry_run=True,
    )
