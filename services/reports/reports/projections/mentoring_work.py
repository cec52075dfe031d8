"""What the mentoring feed tells of the work along a track: mentors and assignments, workshops and attendance,
deliverables and reviews, approved master plans (payloads: the mentoring service's `*/events.py`)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel, Field
from smartcity_kit.outbox import Event
from smartcity_vocabulary import DeliverableStatus, ReviewDecision
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..provinces import province_of
from .participants import REGION_CODE, known_phase
from .work import Deliverable, Initiative, MasterPlan, Mentor, TrackMentor, WorkshopTrack


class OnTrack(BaseModel):
    track_id: uuid.UUID
    region_code: str = Field(pattern=REGION_CODE)
    phase_code: str = Field(min_length=1)


class MentorCreated(BaseModel):
    mentor_id: uuid.UUID
    name: str
    organization: str
    max_tracks: int = Field(ge=0)


class MentorOfTrack(BaseModel):
    track_id: uuid.UUID
    mentor_id: uuid.UUID


class SessionScheduled(OnTrack):
    session_id: uuid.UUID
    stage: str
    starts_at: datetime


class AttendanceRecorded(BaseModel):
    session_id: uuid.UUID
    track_id: uuid.UUID
    present: bool


class DeliverableSubmitted(OnTrack):
    deliverable_id: uuid.UUID
    stage: str
    kind: str
    supersedes_id: uuid.UUID | None = None
    submitted_at: datetime


class DeliverableReviewed(BaseModel):
    deliverable_id: uuid.UUID
    decision: ReviewDecision
    reviewed_at: datetime


class PlannedInitiative(BaseModel):
    index: int
    dimension: str
    element: str
    quick_win: bool
    start_year: int
    end_year: int


class MasterPlanApproved(OnTrack):
    approved_at: datetime
    horizon_start_year: int
    horizon_end_year: int
    initiatives: list[PlannedInitiative]


def _place(data: OnTrack) -> dict[str, str]:
    return {
        "region_code": data.region_code,
        "province_code": province_of(data.region_code),
        "phase_code": data.phase_code,
    }


async def mentor_created(session: AsyncSession, event: Event) -> None:
    data = MentorCreated.model_validate(event.data)
    values = data.model_dump(exclude={"mentor_id"})
    await session.execute(
        insert(Mentor)
        .values(mentor_id=data.mentor_id, **values)
        .on_conflict_do_update(index_elements=[Mentor.mentor_id], set_=values)
    )


async def mentor_assigned(session: AsyncSession, event: Event) -> None:
    data = MentorOfTrack.model_validate(event.data)
    await session.execute(insert(TrackMentor).values(**data.model_dump()).on_conflict_do_nothing())


async def mentor_removed(session: AsyncSession, event: Event) -> None:
    data = MentorOfTrack.model_validate(event.data)
    await session.execute(
        sa.delete(TrackMentor).where(TrackMentor.track_id == data.track_id, TrackMentor.mentor_id == data.mentor_id)
    )


async def session_scheduled(session: AsyncSession, event: Event) -> None:
    data = SessionScheduled.model_validate(event.data)
    await known_phase(session, data.phase_code)
    await session.execute(
        insert(WorkshopTrack)
        .values(
            session_id=data.session_id,
            track_id=data.track_id,
            stage=data.stage,
            starts_at=data.starts_at,
            **_place(data),
        )
        .on_conflict_do_update(
            index_elements=[WorkshopTrack.session_id, WorkshopTrack.track_id],
            set_={"stage": data.stage, "starts_at": data.starts_at},
        )
    )


async def attendance_recorded(session: AsyncSession, event: Event) -> None:
    data = AttendanceRecorded.model_validate(event.data)
    await session.execute(
        sa.update(WorkshopTrack)
        .where(WorkshopTrack.session_id == data.session_id, WorkshopTrack.track_id == data.track_id)
        .values(present=data.present)
    )


async def deliverable_submitted(session: AsyncSession, event: Event) -> None:
    data = DeliverableSubmitted.model_validate(event.data)
    await known_phase(session, data.phase_code)
    await session.execute(
        insert(Deliverable)
        .values(
            deliverable_id=data.deliverable_id,
            track_id=data.track_id,
            stage=data.stage,
            kind=data.kind,
            status=DeliverableStatus.SUBMITTED,
            submitted_at=data.submitted_at,
            **_place(data),
        )
        .on_conflict_do_nothing()
    )
    if data.supersedes_id is not None:
        await session.execute(
            sa.update(Deliverable)
            .where(Deliverable.deliverable_id == data.supersedes_id)
            .values(status=DeliverableStatus.SUPERSEDED)
        )


async def deliverable_reviewed(session: AsyncSession, event: Event) -> None:
    data = DeliverableReviewed.model_validate(event.data)
    # a review applies to a deliverable still waiting or already so reviewed (the same event again)
    await session.execute(
        sa.update(Deliverable)
        .where(Deliverable.deliverable_id == data.deliverable_id, Deliverable.status != DeliverableStatus.SUPERSEDED)
        .values(status=data.decision, reviewed_at=data.reviewed_at)
    )


async def masterplan_approved(session: AsyncSession, event: Event) -> None:
    data = MasterPlanApproved.model_validate(event.data)
    await known_phase(session, data.phase_code)
    plan = {
        "approved_at": data.approved_at,
        "horizon_start_year": data.horizon_start_year,
        "horizon_end_year": data.horizon_end_year,
        **_place(data),
    }
    await session.execute(
        insert(MasterPlan)
        .values(track_id=data.track_id, **plan)
        .on_conflict_do_update(index_elements=[MasterPlan.track_id], set_=plan)
    )
    await session.execute(sa.delete(Initiative).where(Initiative.track_id == data.track_id))
    if data.initiatives:
        await session.execute(
            sa.insert(Initiative),
            [{"track_id": data.track_id, **i.model_dump()} for i in data.initiatives],
        )


HANDLERS = {
    "mentor.created": mentor_created,
    "track.mentor_assigned": mentor_assigned,
    "track.mentor_removed": mentor_removed,
    "session.scheduled": session_scheduled,
    "session.attendance_recorded": attendance_recorded,
    "deliverable.submitted": deliverable_submitted,
    "deliverable.reviewed": deliverable_reviewed,
    "masterplan.approved": masterplan_approved,
}
