"""Applying, reading, contacts, rejecting and withdrawing (with the waitlist moving up)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, Forbidden
from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import ParticipantStatus, TimeZone
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..phases.models import Phase
from ..phases.service import lock_phase
from ..problems import ALREADY_PARTICIPATING, REGION_CANNOT_APPLY, REGISTRATION_CLOSED, UNKNOWN_PHASE
from ..regions.models import Region
from . import events
from .flow import Change, change_statuses, record, require_transition
from .models import CLOSED, LIVE, Participant
from .schemas import ApplicationIn, Assessment, Contact, ParticipantOut


def contacts_json(contacts: list[Contact]) -> list[dict[str, Any]]:
    return [c.model_dump(mode="json") for c in contacts]


async def apply(session: AsyncSession, data: ApplicationIn, caller: Caller) -> Participant:
    """A kabupaten/kota applies to a phase whose registration window is open; once in the programme."""
    if caller.role == Role.REGION and caller.region_code != data.region_code:
        raise Forbidden("A region applies only for itself.")
    region = await session.get(Region, data.region_code)
    if region is None or region.level != "regency_city":
        reason = (
            FieldError("region_code", "not_a_region", "Unknown region.")
            if region is None
            else FieldError(
                "region_code", "not_a_kabupaten_or_kota", "A province cannot apply: only a kabupaten or kota."
            )
        )
        raise AppError(
            REGION_CANNOT_APPLY, "The region '{region}' cannot apply.", errors=[reason], region=data.region_code
        )
    phase = await session.get(Phase, data.phase_code)
    if phase is None:
        raise AppError(
            UNKNOWN_PHASE,
            "No phase has the code '{phase}'.",
            errors=[FieldError("phase_code", "unknown_phase", "Unknown phase.")],
            phase=data.phase_code,
        )
    # the window is read in the region's own time zone: its last day lasts until its own midnight
    today = datetime.now(ZoneInfo(region.time_zone)).date()
    if not phase.registration_opens_on <= today <= phase.registration_closes_on:
        raise AppError(
            REGISTRATION_CLOSED,
            "Registration for phase '{phase}' is open from {opens_on} to {closes_on}; today is {today} in {zone}.",
            phase=phase.code,
            opens_on=phase.registration_opens_on,
            closes_on=phase.registration_closes_on,
            today=today,
            zone=TimeZone(region.time_zone).name,
        )
    # the partial unique index on live applications decides, also between two applications at once
    new_id = (
        await session.execute(
            insert(Participant)
            .values(
                id=uuid.uuid4(),
                region_code=region.code,
                region_name=region.name,
                kind=region.kind,
                province_code=region.province_code,
                time_zone=region.time_zone,
                phase_code=phase.code,
                status=ParticipantStatus.APPLIED,
                contacts=contacts_json(data.contacts),
            )
            .on_conflict_do_nothing(
                index_elements=[Participant.region_code],
                index_where=sa.text(LIVE),
            )
            .returning(Participant.id)
        )
    ).scalar()
    if new_id is None:
        live = (
            await session.execute(
                sa.select(Participant.phase_code, Participant.status).where(
                    Participant.region_code == region.code, Participant.status.not_in(CLOSED)
                )
            )
        ).first()
        if live is None:  # withdrawn meanwhile: the unique index still said no
            raise AppError(
                ALREADY_PARTICIPATING, "The region '{region}' already takes part in the programme.", region=region.code
            )
        raise AppError(
            ALREADY_PARTICIPATING,
            "The region '{region}' already takes part in the programme (phase '{phase}', status '{status}').",
            region=region.code,
            phase=live.phase_code,
            status=str(live.status),
        )
    participant = await session.get(Participant, new_id)
    assert participant is not None
    await record(session, [(participant, None, ParticipantStatus.APPLIED, None, {})], caller.actor)
    await events.applied(session, participant, caller.actor)
    return participant


async def reject_or_withdraw(
    session: AsyncSession, participant: Participant, to: ParticipantStatus, reason: str, caller: Caller
) -> None:
    """Reject or withdraw; a place freed before the MoU goes to the best of the waitlist."""
    # the phase lock first (as selection takes it), then the participant: no over-selection, no deadlock
    await lock_phase(session, participant.phase_code)
    await session.refresh(participant, with_for_update=True)
    require_transition(participant, to)
    freed = participant.status == ParticipantStatus.SELECTED
    changes = [Change(participant, to, reason)]
    if freed:
        from ..selection.service import best_waitlisted  # selection builds on this module

        promoted = await best_waitlisted(session, participant.phase_code)
        if promoted is not None:
            changes.append(
                Change(
                    promoted,
                    ParticipantStatus.SELECTED,
                    f"Promoted from the waitlist: the place of {participant.region_code} was freed ({to}).",
                    {"promoted_in_place_of": str(participant.id)},
                )
            )
    await change_statuses(session, changes, caller.actor)


def participant_out(p: Participant) -> ParticipantOut:
    return ParticipantOut(
        id=p.id,
        region_code=p.region_code,
        region_name=p.region_name,
        kind=p.kind,  # type: ignore[arg-type]
        province_code=p.province_code,
        time_zone=p.time_zone,
        phase_code=p.phase_code,
        status=ParticipantStatus(p.status),
        contacts=[Contact.model_construct(**c) for c in p.contacts],
        assessment=Assessment(**p.assessment) if p.assessment else None,
        sources=p.assessment_sources if p.assessment else None,
        readiness_score=float(p.readiness_score) if p.readiness_score is not None else None,
        applied_at=p.applied_at,
        updated_at=p.updated_at,
    )
