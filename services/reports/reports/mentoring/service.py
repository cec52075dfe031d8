"""The mentoring report's figures, counted from the projections at read time."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from smartcity_vocabulary import DeliverableStatus, TrackStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..overview.schemas import ScopeOut
from ..overview.service import day_of, rate
from ..projections.models import Track
from ..projections.work import Deliverable, Mentor, TrackMentor, WorkshopTrack
from ..scope import Scope
from ..vocabulary import STAGES, WAIT_BUCKETS, Lang, label
from .schemas import KindRow, MentoringReport, MentoringSummary, MentorRow, StageWorkRow, WaitRow


def _status(status: DeliverableStatus) -> sa.ColumnElement[int]:
    return sa.func.count().filter(Deliverable.status == status)


async def deliverable_rows(session: AsyncSession, scope: Scope) -> list[KindRow]:
    stmt = (
        sa.select(
            Deliverable.kind,
            sa.func.count(),
            _status(DeliverableStatus.APPROVED),
            _status(DeliverableStatus.CHANGES_REQUESTED),
            _status(DeliverableStatus.SUBMITTED),
            sa.func.min(Deliverable.submitted_at).filter(Deliverable.status == DeliverableStatus.SUBMITTED),
        )
        .where(*scope.where(Deliverable))
        .group_by(Deliverable.kind)
        .order_by(Deliverable.kind)
    )
    return [
        KindRow(kind=k, submitted=n, approved=a, changes_requested=c, waiting=w, waiting_since=day_of(since))
        for k, n, a, c, w, since in (await session.execute(stmt)).all()
    ]


async def waits(session: AsyncSession, scope: Scope, now: datetime) -> list[int]:
    """Whole days each waiting deliverable has waited."""
    stmt = sa.select(Deliverable.submitted_at).where(
        *scope.where(Deliverable), Deliverable.status == DeliverableStatus.SUBMITTED
    )
    return [max(0, (now - at).days) for at in (await session.execute(stmt)).scalars()]


async def workshop_rows(session: AsyncSession, scope: Scope, now: datetime, lang: Lang) -> list[StageWorkRow]:
    stmt = (
        sa.select(
            WorkshopTrack.stage,
            sa.func.count(sa.distinct(WorkshopTrack.session_id)).filter(WorkshopTrack.starts_at <= now),
            sa.func.count(),
            sa.func.count(WorkshopTrack.present),
            sa.func.count().filter(WorkshopTrack.present.is_(True)),
        )
        .where(*scope.where(WorkshopTrack))
        .group_by(WorkshopTrack.stage)
    )
    found = {row[0]: row[1:] for row in (await session.execute(stmt)).all()}
    rows = []
    for stage in (*STAGES, *sorted(set(found) - set(STAGES))):
        held, invited, recorded, present = found.get(stage, (0, 0, 0, 0))
        rows.append(
            StageWorkRow(
                stage=stage,
                label=label(stage, lang),
                workshops=held,
                invited_tracks=invited,
                recorded=recorded,
                present=present,
                attendance_rate=rate(present, recorded),
            )
        )
    return rows


async def mentor_rows(session: AsyncSession, scope: Scope) -> list[MentorRow]:
    active = (
        sa.select(TrackMentor.mentor_id, sa.func.count().label("n"))
        .join(Track, Track.track_id == TrackMentor.track_id)
        .where(Track.status == TrackStatus.ACTIVE, *scope.where(Track))
        .group_by(TrackMentor.mentor_id)
        .subquery()
    )
    stmt = sa.select(Mentor, sa.func.coalesce(active.c.n, 0)).outerjoin(active, active.c.mentor_id == Mentor.mentor_id)
    if scope.region_code or scope.province_code:
        # a narrowed report names only the mentors of the tracks in it
        in_scope = (
            sa.select(TrackMentor.mentor_id)
            .join(Track, Track.track_id == TrackMentor.track_id)
            .where(*scope.where(Track))
        )
        stmt = stmt.where(Mentor.mentor_id.in_(in_scope))
    rows = (await session.execute(stmt.order_by(Mentor.name, Mentor.mentor_id))).all()
    return [
        MentorRow(
            mentor_id=str(m.mentor_id),
            name=m.name,
            organization=m.organization,
            max_tracks=m.max_tracks,
            active_tracks=n,
            load_rate=rate(n, m.max_tracks),
        )
        for m, n in rows
    ]


async def mentoring_report(session: AsyncSession, scope: Scope, lang: Lang = "id") -> MentoringReport:
    now = datetime.now(UTC)
    kinds = await deliverable_rows(session, scope)
    waited = await waits(session, scope, now)
    workshops = await workshop_rows(session, scope, now, lang)
    mentors = await mentor_rows(session, scope)
    with_mentor = (
        await session.execute(
            sa.select(sa.func.count(sa.distinct(TrackMentor.track_id)))
            .join(Track, Track.track_id == TrackMentor.track_id)
            .where(*scope.where(Track))
        )
    ).scalar_one()
    recorded = sum(w.recorded for w in workshops)
    summary = MentoringSummary(
        deliverables_submitted=sum(k.submitted for k in kinds),
        approved=sum(k.approved for k in kinds),
        changes_requested=sum(k.changes_requested for k in kinds),
        waiting=sum(k.waiting for k in kinds),
        oldest_wait_days=max(waited, default=0),
        workshops_held=sum(w.workshops for w in workshops),
        attendance_recorded=recorded,
        attendance_rate=rate(sum(w.present for w in workshops), recorded),
        mentors=len(mentors),
        tracks_with_mentor=with_mentor,
    )
    buckets = [
        WaitRow(
            age=name,
            label=label(name, lang),
            deliverables=sum(1 for d in waited if d >= low and (high is None or d <= high)),
        )
        for name, low, high in WAIT_BUCKETS
    ]
    return MentoringReport(
        scope=ScopeOut(**scope.as_dict()),
        summary=summary,
        deliverables=kinds,
        waiting_by_age=buckets,
        workshops=workshops,
        mentors=mentors,
    )
