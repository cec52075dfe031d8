"""Selection of a phase: rank by readiness, select up to the quota left, waitlist the rest.

The ranking orders by `readiness_score` (higher first), then the earlier
application, then the region code: the same data always gives the same order.
A run locks the phase row, as rejections and withdrawals do, so two runs (or a
run and a withdrawal) take turns and the quota is never exceeded. Running it
again changes nothing already decided: only `assessed` participants (and the
waitlist, when places are free) move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from smartcity_kit.identity import Caller
from smartcity_kit.problems import AppError
from smartcity_vocabulary import ParticipantStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..applications.flow import Change, change_statuses
from ..applications.models import Participant
from ..phases.service import lock_phase
from ..problems import NOTHING_TO_SELECT
from .schemas import RankingEntry, SelectionOut

# the statuses holding one of the phase's places
HOLDING_A_PLACE = (
    ParticipantStatus.SELECTED,
    ParticipantStatus.MOU_SIGNED,
    ParticipantStatus.MENTORING,
    ParticipantStatus.COMPLETED,
)
WAITING = (ParticipantStatus.ASSESSED, ParticipantStatus.WAITLISTED)
RANKED = (*WAITING, *HOLDING_A_PLACE)
RANK_ORDER = (Participant.readiness_score.desc(), Participant.applied_at, Participant.region_code)


@dataclass(frozen=True)
class Allotment:
    """The places of a phase shared out over its ranking: each participant's outcome, in rank order."""

    places_before: int
    places_left: int
    outcomes: list[ParticipantStatus]


def allot(ranked: Sequence[ParticipantStatus], quota: int) -> Allotment:
    """Those holding a place keep it; the places left go to the waiting (assessed or waitlisted) in rank order,
    and the rest of the waiting are waitlisted."""
    places_before = max(quota - sum(s in HOLDING_A_PLACE for s in ranked), 0)
    places = places_before
    outcomes = []
    for status in ranked:
        outcome = status
        if status in WAITING:
            if places > 0:
                outcome, places = ParticipantStatus.SELECTED, places - 1
            else:
                outcome = ParticipantStatus.WAITLISTED
        outcomes.append(outcome)
    return Allotment(places_before, places, outcomes)


async def best_waitlisted(session: AsyncSession, phase_code: str) -> Participant | None:
    """The first of the phase's waitlist, locked (the caller holds the phase lock)."""
    stmt = (
        sa.select(Participant)
        .where(Participant.phase_code == phase_code, Participant.status == ParticipantStatus.WAITLISTED)
        .order_by(*RANK_ORDER)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalar()


async def run_selection(session: AsyncSession, phase_code: str, *, dry_run: bool, caller: Caller) -> SelectionOut:
    phase = await lock_phase(session, phase_code)
    stmt = (
        sa.select(Participant)
        .where(Participant.phase_code == phase_code, Participant.status.in_(RANKED))
        .order_by(*RANK_ORDER)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    ranked = list((await session.execute(stmt)).scalars())
    if not ranked:
        raise AppError(
            NOTHING_TO_SELECT, "Phase '{phase}' has no assessed participant to select from.", phase=phase_code
        )
    allotment = allot([ParticipantStatus(p.status) for p in ranked], phase.quota)
    outcomes = {p.id: outcome for p, outcome in zip(ranked, allotment.outcomes, strict=True)}
    changes: list[Change] = []
    for p in ranked:
        outcome = outcomes[p.id]
        if outcome != p.status:
            reason = f"Selection of phase {phase_code}: ranked within the {phase.quota} places."
            if outcome == ParticipantStatus.WAITLISTED:
                reason = f"Selection of phase {phase_code}: ranked beyond the {phase.quota} places."
            changes.append(Change(p, outcome, reason))
    ranking = [
        RankingEntry(
            rank=i,
            participant_id=p.id,
            region_code=p.region_code,
            region_name=p.region_name,
            readiness_score=float(p.readiness_score),  # type: ignore[arg-type]  # a ranked status comes only after an assessment, which sets the score
            applied_at=p.applied_at,
            outcome=outcomes[p.id],
            changed=outcomes[p.id] != p.status,
        )
        for i, p in enumerate(ranked, start=1)
    ]
    if not dry_run:
        await change_statuses(session, changes, caller.actor)
    return SelectionOut(
        phase_code=phase_code,
        dry_run=dry_run,
        quota=phase.quota,
        places_before=allotment.places_before,
        places_left=allotment.places_left,
        selected=sum(c.to == ParticipantStatus.SELECTED for c in changes),
        waitlisted=sum(c.to == ParticipantStatus.WAITLISTED for c in changes),
        ranking=ranking,
    )
