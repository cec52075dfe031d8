"""Track rules: opening (once per participant), withdrawal, mentor assignment and advancing."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from smartcity_kit.db import row_dicts
from smartcity_kit.i18n import message_id
from smartcity_kit.identity import Caller
from smartcity_kit.problems import AppError, NotFound, Unprocessable
from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import DeliverableStatus, TrackStatus
from sqlalchemy.dialects.postgresql import aggregate_order_by, insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..curriculum import service as curriculum
from ..deliverables.models import Deliverable
from ..masterplan.models import MasterPlan
from ..mentors.models import Mentor
from ..mentors.service import active_track_count
from ..problems import (
    MENTOR_ALREADY_ASSIGNED,
    MENTOR_AT_CAPACITY,
    MENTOR_HOME_REGION,
    TRACK_NOT_ACTIVE,
    TRACK_STAGE_INCOMPLETE,
)
from ..vocabulary import MasterPlanStatus
from . import events
from .models import Track, TrackMentor
from .schemas import TrackOut


async def open_track(
    session: AsyncSession, *, participant_id: uuid.UUID, region_code: str, phase_code: str, time_zone: str
) -> Track | None:
    """Open the participant's track; None when it already has one (an event seen twice, a race)."""
    stage = await curriculum.first_stage_code(session)
    track_id = (
        await session.execute(
            insert(Track)
            .values(
                id=uuid.uuid4(),
                participant_id=participant_id,
                region_code=region_code,
                phase_code=phase_code,
                time_zone=time_zone,
                stage=stage,
            )
            .on_conflict_do_nothing(index_elements=[Track.participant_id])
            .returning(Track.id)
        )
    ).scalar()
    if track_id is None:
        return None
    track = await session.get(Track, track_id)
    assert track is not None
    await events.opened(session, track)
    return track


async def withdraw_track(session: AsyncSession, participant_id: uuid.UUID) -> Track | None:
    """Close the participant's active track as withdrawn; None when there is none to close."""
    track_id = (
        await session.execute(
            sa.update(Track)
            .where(Track.participant_id == participant_id, Track.status == TrackStatus.ACTIVE)
            .values(status=TrackStatus.WITHDRAWN, updated_at=sa.func.now(), closed_at=sa.func.now())
            .returning(Track.id)
        )
    ).scalar()
    if track_id is None:
        return None
    track = (
        await session.execute(sa.select(Track).where(Track.id == track_id).execution_options(populate_existing=True))
    ).scalar_one()
    await events.withdrawn(session, track)
    return track


# a track's mentors in the order they were assigned
MENTOR_ORDER = (TrackMentor.assigned_at, TrackMentor.mentor_id)
# a track as the API shows it (TrackOut), each field a column and its mentors aggregated in the same statement:
# one round trip, and the rows go straight into the response model without an ORM entity (bench/hot_reads.md)
OUT_COLUMNS = (
    Track.id,
    Track.participant_id,
    Track.region_code,
    Track.phase_code,
    Track.time_zone,
    Track.stage,
    Track.status,
    sa.select(
        sa.func.coalesce(
            sa.func.array_agg(aggregate_order_by(TrackMentor.mentor_id, *MENTOR_ORDER)),
            sa.literal_column("'{}'::uuid[]"),
        )
    )
    .where(TrackMentor.track_id == Track.id)
    .scalar_subquery()
    .label("mentor_ids"),
    Track.opened_at,
    Track.updated_at,
    Track.closed_at,
)


async def track_out(session: AsyncSession, track: Track) -> TrackOut:
    """A track just changed, as the API shows it: flushed, then read with the reads' columns (`OUT_COLUMNS`), so
    the shape is defined once."""
    await session.flush()
    return TrackOut.model_validate(
        row_dicts(await session.execute(sa.select(*OUT_COLUMNS).where(Track.id == track.id)))[0]
    )


def require_active(track: Track) -> None:
    if track.status != TrackStatus.ACTIVE:
        raise AppError(TRACK_NOT_ACTIVE, "The track is {status}; only an active track can change.", status=track.status)


async def assign_mentor(session: AsyncSession, track: Track, mentor_id: uuid.UUID, caller: Caller) -> None:
    """Assign a mentor; refuses (409) a mentor at capacity or mentoring their own home region."""
    require_active(track)
    # the mentor row lock serialises assignments of one mentor: two at once cannot both take the last place
    mentor = (
        await session.execute(
            sa.select(Mentor).where(Mentor.id == mentor_id).with_for_update().execution_options(populate_existing=True)
        )
    ).scalar()
    if mentor is None:
        raise Unprocessable(
            "No mentor has the id {mentor_id}.",
            errors=[FieldError("mentor_id", "unknown_mentor", "Unknown mentor.")],
            mentor_id=mentor_id,
        )
    already = await session.get(TrackMentor, (track.id, mentor.id))
    if already is not None:
        raise AppError(
            MENTOR_ALREADY_ASSIGNED, "The mentor {mentor_id} is already assigned to this track.", mentor_id=mentor.id
        )
    if mentor.home_region_code is not None and mentor.home_region_code == track.region_code:
        raise AppError(
            MENTOR_HOME_REGION,
            "The mentor {name} cannot mentor their own home region {region_code}.",
            extra={"reason": "home_region"},
            name=mentor.name,
            region_code=track.region_code,
        )
    load = await active_track_count(session, mentor.id)
    if load >= mentor.max_tracks:
        raise AppError(
            MENTOR_AT_CAPACITY,
            "The mentor {name} is at capacity: {active_tracks} of {max_tracks} active tracks.",
            extra={"reason": "capacity", "active_tracks": load, "max_tracks": mentor.max_tracks},
            name=mentor.name,
            active_tracks=load,
            max_tracks=mentor.max_tracks,
        )
    by = caller.actor
    session.add(TrackMentor(track_id=track.id, mentor_id=mentor.id, assigned_by=by))
    track.updated_at = sa.func.now()
    await session.flush()
    await events.mentor_assigned(session, track, mentor, by)


async def unassign_mentor(session: AsyncSession, track: Track, mentor_id: uuid.UUID, caller: Caller) -> None:
    deleted = await session.execute(
        sa.delete(TrackMentor)
        .where(TrackMentor.track_id == track.id, TrackMentor.mentor_id == mentor_id)
        .returning(TrackMentor.mentor_id)
    )
    if deleted.first() is None:
        raise NotFound("The mentor {mentor_id} is not assigned to this track.", mentor_id=mentor_id)
    track.updated_at = sa.func.now()
    await session.flush()
    await events.mentor_removed(session, track, mentor_id, caller.actor)


async def approved_kinds(session: AsyncSession, track_id: uuid.UUID) -> set[str]:
    stmt = sa.select(Deliverable.kind).where(
        Deliverable.track_id == track_id, Deliverable.status == DeliverableStatus.APPROVED
    )
    return set((await session.execute(stmt)).scalars())


@dataclass(frozen=True)
class StageExit:
    """What a track needs before it leaves its stage: the required deliverable kinds not yet approved and, at the
    last stage only, whether its master plan is approved (None: not asked)."""

    stage: str
    missing_deliverables: list[str]
    masterplan_approved: bool | None = None

    @property
    def refusal(self) -> AppError | None:
        """Why the track cannot leave its stage (409 `track-stage-incomplete`), or None when it may."""
        deliverables, plan = bool(self.missing_deliverables), self.masterplan_approved is False
        if deliverables and plan:
            message = message_id(
                "The track cannot leave {stage} yet: it needs approved deliverables of kind {kinds} and an approved "
                "master plan."
            )
        elif deliverables:
            message = message_id("The track cannot leave {stage} yet: it needs approved deliverables of kind {kinds}.")
        elif plan:
            message = message_id("The track cannot leave {stage} yet: it needs an approved master plan.")
        else:
            return None
        kinds = ", ".join(self.missing_deliverables)
        return AppError(TRACK_STAGE_INCOMPLETE, message, extra=self.extra(), stage=self.stage, kinds=kinds)

    def extra(self) -> dict[str, object]:
        """The 409's members: the stage and what is missing, the master plan named at the last stage only."""
        extra: dict[str, object] = {"stage": self.stage, "missing_deliverables": self.missing_deliverables}
        if self.masterplan_approved is not None:
            extra["masterplan_approved"] = self.masterplan_approved
        return extra


def stage_exit(
    stage: str, required: Sequence[str], approved: set[str], last: bool, plan_status: str | None
) -> StageExit:
    missing = [kind for kind in required if kind not in approved]
    return StageExit(stage, missing, plan_status == MasterPlanStatus.APPROVED if last else None)


async def advance(session: AsyncSession, track: Track) -> None:
    """Move to the next stage, or complete after the last one; 409 naming what is missing."""
    require_active(track)
    stage = await curriculum.get_stage(session, track.stage)
    assert stage is not None  # a foreign key holds it
    following = await curriculum.stage_after(session, stage)
    plan_status = None
    if following is None:  # the master plan is the last stage's concern only
        plan_status = (
            await session.execute(sa.select(MasterPlan.status).where(MasterPlan.track_id == track.id))
        ).scalar()
    approved = await approved_kinds(session, track.id)
    needed = stage_exit(stage.code, stage.required_deliverables, approved, following is None, plan_status)
    if (refusal := needed.refusal) is not None:
        raise refusal
    if following is not None:
        previous, track.stage = track.stage, following.code
        track.updated_at = sa.func.now()
        await session.flush()
        await events.stage_advanced(session, track, previous)
    else:
        track.status = TrackStatus.COMPLETED
        track.updated_at = track.closed_at = sa.func.now()
        await session.flush()
        await events.completed(session, track)
    await session.refresh(track)
