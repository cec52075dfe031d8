"""HTTP routes of participants: apply, read, contacts, reject, withdraw, history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request, Response
from smartcity_kit.db import SessionDep
from smartcity_kit.etag import etag_of, require_if_match, set_etag
from smartcity_kit.identity import CallerDep
from smartcity_kit.pagination import CursorQuery, LimitQuery, Page, keyset_page
from smartcity_kit.problems import problem_responses
from smartcity_vocabulary import ParticipantStatus

from ..access import CanManageProgramme, LockedParticipant, OwnRegionOrStaff, VisibleParticipant, scope_participants
from ..problems import (
    ALREADY_PARTICIPATING,
    REGION_CANNOT_APPLY,
    REGISTRATION_CLOSED,
    STATUS_TRANSITION_NOT_ALLOWED,
    UNKNOWN_PHASE,
)
from . import service
from .models import Participant, StatusChange
from .schemas import ApplicationIn, ContactsPatch, HistoryEntry, ParticipantOut, ReasonIn

router = APIRouter(prefix="/api/v1/participants", tags=["participants"])


def etag_and_out(participant: Participant, response: Response) -> ParticipantOut:
    out = service.participant_out(participant)
    set_etag(response, etag_of(out.model_dump(mode="json")))
    return out


@router.post(
    "",
    status_code=201,
    response_model=ParticipantOut,
    responses=problem_responses(
        401, 403, 409, 422, REGISTRATION_CLOSED, ALREADY_PARTICIPATING, REGION_CANNOT_APPLY, UNKNOWN_PHASE
    ),
    dependencies=[OwnRegionOrStaff],
)
async def apply(data: ApplicationIn, session: SessionDep, caller: CallerDep, response: Response) -> ParticipantOut:
    """A kabupaten or kota applies to a phase (a region caller for itself only); status `applied`."""
    participant = await service.apply(session, data, caller)
    return etag_and_out(participant, response)


@router.get("", response_model=Page[ParticipantOut], responses=problem_responses(401, 422))
async def list_participants(
    session: SessionDep,
    caller: CallerDep,
    phase_code: Annotated[str | None, Query(max_length=32)] = None,
    status: ParticipantStatus | None = None,
    province_code: Annotated[str | None, Query(pattern=r"^\d{2}$")] = None,
    region_code: Annotated[str | None, Query(pattern=r"^\d{2}\.\d{2}$")] = None,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[ParticipantOut]:
    stmt = scope_participants(sa.select(Participant), caller)
    if phase_code:
        stmt = stmt.where(Participant.phase_code == phase_code)
    if status:
        stmt = stmt.where(Participant.status == status)
    if province_code:
        stmt = stmt.where(Participant.province_code == province_code)
    if region_code:
        stmt = stmt.where(Participant.region_code == region_code)
    rows, next_cursor = await keyset_page(
        session,
        stmt,
        keys=[Participant.applied_at, Participant.id],
        key_of=lambda p: [p.applied_at.isoformat(), str(p.id)],
        limit=limit,
        cursor=cursor,
        convert=[datetime.fromisoformat, uuid.UUID],
    )
    return Page[ParticipantOut](items=[service.participant_out(p) for p in rows], next_cursor=next_cursor)


@router.get("/{participant_id}", response_model=ParticipantOut, responses=problem_responses(401, 404, 422))
async def read_participant(participant: VisibleParticipant, response: Response) -> ParticipantOut:
    return etag_and_out(participant, response)


@router.patch(
    "/{participant_id}",
    response_model=ParticipantOut,
    responses=problem_responses(401, 403, 404, 412, 422, 428),
    dependencies=[OwnRegionOrStaff],
)
async def update_contacts(
    participant: LockedParticipant,
    data: ContactsPatch,
    request: Request,
    response: Response,
    session: SessionDep,
) -> ParticipantOut:
    """Replace the contacts (nothing else changes here); needs If-Match with the participant's ETag."""
    require_if_match(request, etag_of(service.participant_out(participant).model_dump(mode="json")))
    participant.contacts = service.contacts_json(data.contacts)
    participant.updated_at = sa.func.clock_timestamp()
    await session.flush()
    await session.refresh(participant)
    return etag_and_out(participant, response)


@router.post(
    "/{participant_id}/reject",
    response_model=ParticipantOut,
    responses=problem_responses(401, 403, 404, 409, 422, STATUS_TRANSITION_NOT_ALLOWED),
    dependencies=[CanManageProgramme],
)
async def reject(
    participant: VisibleParticipant, data: ReasonIn, session: SessionDep, caller: CallerDep, response: Response
) -> ParticipantOut:
    """Reject an applied (e.g. an incomplete file), assessed or selected participant, with the reason.

    A place freed by a selected one goes to the best waitlisted participant.
    """
    await service.reject_or_withdraw(session, participant, ParticipantStatus.REJECTED, data.reason, caller)
    return etag_and_out(participant, response)


@router.post(
    "/{participant_id}/withdraw",
    response_model=ParticipantOut,
    responses=problem_responses(401, 403, 404, 409, 422, STATUS_TRANSITION_NOT_ALLOWED),
    dependencies=[OwnRegionOrStaff],
)
async def withdraw(
    participant: VisibleParticipant, data: ReasonIn, session: SessionDep, caller: CallerDep, response: Response
) -> ParticipantOut:
    """Withdraw from any status before `completed` (a region its own); a freed place goes to the waitlist."""
    await service.reject_or_withdraw(session, participant, ParticipantStatus.WITHDRAWN, data.reason, caller)
    return etag_and_out(participant, response)


@router.get("/{participant_id}/history", response_model=Page[HistoryEntry], responses=problem_responses(401, 404, 422))
async def read_history(
    participant: VisibleParticipant,
    session: SessionDep,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Page[HistoryEntry]:
    """Every status change, oldest first: `from`, `to`, `at`, `actor`, `reason`."""
    rows, next_cursor = await keyset_page(
        session,
        sa.select(StatusChange).where(StatusChange.participant_id == participant.id),
        keys=[StatusChange.id],
        key_of=lambda c: [c.id],
        limit=limit,
        cursor=cursor,
        convert=[int],
    )
    items = [HistoryEntry(from_=c.from_status, to=c.to_status, at=c.at, actor=c.actor, reason=c.reason) for c in rows]
    return Page[HistoryEntry](items=items, next_cursor=next_cursor)
