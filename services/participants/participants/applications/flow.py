"""The status flow of a participant, in one table, and the one way a status changes.

Every change goes through `change_statuses`: it checks the table, updates the
rows, writes the history and records a `participant.status_changed` event in
the outbox, all in the caller's transaction and in bulk (one statement each,
whatever the number of participants).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from smartcity_kit.problems import AppError
from smartcity_vocabulary import ParticipantStatus
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from ..problems import STATUS_TRANSITION_NOT_ALLOWED
from .events import statuses_changed
from .models import Participant, StatusChange

# from -> the statuses it may move to; the contract's flow, and nothing else decides
TRANSITIONS: dict[ParticipantStatus, frozenset[ParticipantStatus]] = {
    # rejected before assessment: an incomplete file is the commonest reason
    ParticipantStatus.APPLIED: frozenset(
        {ParticipantStatus.ASSESSED, ParticipantStatus.REJECTED, ParticipantStatus.WITHDRAWN}
    ),
    ParticipantStatus.ASSESSED: frozenset(
        {
            ParticipantStatus.SELECTED,
            ParticipantStatus.WAITLISTED,
            ParticipantStatus.REJECTED,
            ParticipantStatus.WITHDRAWN,
        }
    ),
    ParticipantStatus.WAITLISTED: frozenset({ParticipantStatus.SELECTED, ParticipantStatus.WITHDRAWN}),
    # rejected before its MoU (a region found ineligible late); the place goes to the waitlist
    ParticipantStatus.SELECTED: frozenset(
        {ParticipantStatus.MOU_SIGNED, ParticipantStatus.REJECTED, ParticipantStatus.WITHDRAWN}
    ),
    ParticipantStatus.MOU_SIGNED: frozenset({ParticipantStatus.MENTORING, ParticipantStatus.WITHDRAWN}),
    ParticipantStatus.MENTORING: frozenset({ParticipantStatus.COMPLETED, ParticipantStatus.WITHDRAWN}),
    ParticipantStatus.COMPLETED: frozenset(),
    ParticipantStatus.REJECTED: frozenset(),
    ParticipantStatus.WITHDRAWN: frozenset(),
}


def allowed(current: str, to: ParticipantStatus) -> bool:
    return to in TRANSITIONS[ParticipantStatus(current)]


def require_transition(participant: Participant, to: ParticipantStatus) -> None:
    """409 naming the current status when the flow does not lead from it to `to`."""
    if not allowed(participant.status, to):
        raise AppError(
            STATUS_TRANSITION_NOT_ALLOWED,
            "The participant is '{current}'; it cannot become '{to}'.",
            extra={"current_status": participant.status},
            current=str(participant.status),
            to=str(to),
        )


@dataclass
class Change:
    participant: Participant
    to: ParticipantStatus
    reason: str | None = None
    # more facts for the event, e.g. the participant whose place a promotion took
    extra: dict[str, Any] = field(default_factory=dict)


async def record(
    session: AsyncSession,
    changes: Sequence[tuple[Participant, str | None, str, str | None, dict[str, Any]]],
    actor: str,
) -> None:
    """History rows and events for changes already applied: two multi-row inserts."""
    if not changes:
        return
    await session.execute(
        sa.insert(StatusChange),
        [
            {"participant_id": p.id, "from_status": f, "to_status": t, "actor": actor, "reason": r}
            for p, f, t, r, _ in changes
        ],
    )
    await statuses_changed(session, changes, actor)


async def change_statuses(session: AsyncSession, changes: list[Change], actor: str) -> None:
    """Apply every change or none: 409 (naming the current status) if the flow refuses any."""
    for change in changes:
        require_transition(change.participant, change.to)
    by_target: dict[ParticipantStatus, list[Change]] = defaultdict(list)
    for change in changes:
        by_target[change.to].append(change)
    for to, group in by_target.items():
        rows = await session.execute(
            sa.update(Participant)
            .where(Participant.id.in_([c.participant.id for c in group]))
            .values(status=to, updated_at=sa.func.clock_timestamp())
            .returning(Participant.id, Participant.updated_at)
            .execution_options(synchronize_session=False)
        )
        stamps = dict(rows.all())
        for change in group:
            set_committed_value(change.participant, "updated_at", stamps[change.participant.id])
    applied = []
    for change in changes:
        frm = change.participant.status
        set_committed_value(change.participant, "status", change.to)
        applied.append((change.participant, frm, change.to, change.reason, change.extra))
    await record(session, applied, actor)


async def change_status(
    session: AsyncSession,
    participant: Participant,
    to: ParticipantStatus,
    actor: str,
    reason: str | None = None,
    **extra: Any,
) -> None:
    await change_statuses(session, [Change(participant, to, reason, extra)], actor)
