"""Who sees which participant: a region its own, everyone else (staff, partners, mentors, services) all."""

from __future__ import annotations

import uuid
from typing import Annotated, TypeVarTuple

import sqlalchemy as sa
from fastapi import Depends
from smartcity_kit.db import SessionDep
from smartcity_kit.identity import Caller, CallerDep, Role, require_roles
from smartcity_kit.problems import NotFound
from sqlalchemy.ext.asyncio import AsyncSession

from .applications.models import Participant

# who may do what, named once; a route names its permission, and the gateway's table says the same
# (tests/test_permissions.py)
CanManageProgramme = require_roles(Role.ADMIN, Role.OPERATOR)
# a region for its own region (the route checks which), or staff for any
OwnRegionOrStaff = require_roles(Role.ADMIN, Role.OPERATOR, Role.REGION)

Ts = TypeVarTuple("Ts")


def scope_participants(stmt: sa.Select[*Ts], caller: Caller) -> sa.Select[*Ts]:
    """`stmt` (selecting from participants) narrowed to what `caller` may see."""
    if caller.role == Role.REGION:
        return stmt.where(Participant.region_code == (caller.region_code or ""))
    return stmt


async def participant_or_404(
    session: AsyncSession, caller: Caller, participant_id: uuid.UUID, *, lock: bool = False
) -> Participant:
    """The participant if `caller` may see it; 404 otherwise, so that existence does not leak."""
    stmt = scope_participants(sa.select(Participant).where(Participant.id == participant_id), caller)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    participant = (await session.execute(stmt)).scalar()
    if participant is None:
        raise NotFound("No participant {participant} is visible to you.", participant=str(participant_id))
    return participant


async def visible_participant(participant_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Participant:
    """The path's participant as `caller` may see it (404 otherwise), for the routes that only read it."""
    return await participant_or_404(session, caller, participant_id)


async def locked_participant(participant_id: uuid.UUID, session: SessionDep, caller: CallerDep) -> Participant:
    """The same, locked until the request's transaction ends, for the routes whose only lock is the participant's
    (a route that takes the phase's lock too takes it first, and the participant's after: it reads it visible)."""
    return await participant_or_404(session, caller, participant_id, lock=True)


# a route names the participant of its path once: `participant: VisibleParticipant`, or `LockedParticipant`
VisibleParticipant = Annotated[Participant, Depends(visible_participant)]
LockedParticipant = Annotated[Participant, Depends(locked_participant)]
