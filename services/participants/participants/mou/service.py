"""Bulk MoU signing: every participant of the list becomes `mou_signed`, or none does.

The whole batch costs a fixed number of statements (lock, signing, signatures,
status update, history, events), whatever its size: the 2018 cohort signed 50
MoUs on one day.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from smartcity_kit.identity import Caller
from smartcity_kit.problems import AppError
from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import ParticipantStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..applications.flow import Change, change_statuses
from ..applications.models import Participant
from ..phases.service import lock_phase
from ..problems import NOT_OF_PHASE, NOT_SELECTED, SIGNED_IN_FUTURE
from .events import MouSigned, Signatory, mou_signed
from .models import MouSignature, MouSigning
from .schemas import SignatureOut, SigningIn, SigningOut

# the easternmost zone: a date that has begun anywhere in Indonesia is not in the future
EASTERNMOST = ZoneInfo("Asia/Jayapura")


async def sign(session: AsyncSession, phase_code: str, data: SigningIn, caller: Caller) -> SigningOut:
    today = datetime.now(EASTERNMOST).date()
    if data.signed_on > today:
        raise AppError(
            SIGNED_IN_FUTURE,
            "An MoU cannot be signed in the future.",
            errors=[FieldError("signed_on", "in_future", "After today ({today}).", {"today": today})],
        )
    await lock_phase(session, phase_code)
    ids = [s.participant_id for s in data.signatures]
    stmt = (
        sa.select(Participant)
        .where(Participant.id.in_(ids))
        .order_by(Participant.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {p.id: p for p in (await session.execute(stmt)).scalars()}
    unknown = [
        FieldError(
            f"signatures[{i}].participant_id", "not_of_phase", "No participant of phase {phase}.", {"phase": phase_code}
        )
        for i, s in enumerate(data.signatures)
        if s.participant_id not in found or found[s.participant_id].phase_code != phase_code
    ]
    if unknown:
        raise AppError(
            NOT_OF_PHASE,
            "{count} of the signatures name no participant of phase '{phase}'; nothing was signed.",
            errors=unknown,
            count=len(unknown),
            phase=phase_code,
        )
    offenders = [
        {"participant_id": str(p.id), "region_code": p.region_code, "status": p.status}
        for p in (found[i] for i in ids)
        if p.status != ParticipantStatus.SELECTED
    ]
    if offenders:
        raise AppError(
            NOT_SELECTED,
            "{count} of the participants are not 'selected'; nothing was signed.",
            extra={"offenders": offenders},
            count=len(offenders),
        )
    signing = MouSigning(phase_code=phase_code, signed_on=data.signed_on, venue=data.venue, recorded_by=caller.actor)
    session.add(signing)
    await session.flush()
    await session.execute(
        sa.insert(MouSignature),
        [
            {**s.model_dump(exclude={"participant_id"}), "participant_id": s.participant_id, "signing_id": signing.id}
            for s in data.signatures
        ],
    )
    reason = f"MoU signed on {data.signed_on} at {data.venue}."
    await change_statuses(session, [Change(found[i], ParticipantStatus.MOU_SIGNED, reason) for i in ids], caller.actor)
    await session.refresh(signing)
    signatories = [
        Signatory(
            participant_id=s.participant_id,
            region_code=found[s.participant_id].region_code,
            region_name=found[s.participant_id].region_name,
            signatory_name=s.signatory_name,
            signatory_title=s.signatory_title,
            document_id=s.document_id,
        )
        for s in data.signatures
    ]
    await mou_signed(
        session,
        MouSigned(
            signing_id=signing.id,
            phase_code=phase_code,
            signed_on=signing.signed_on,
            venue=signing.venue,
            participants=signatories,
            actor=caller.actor,
        ),
    )
    return SigningOut(
        id=signing.id,
        phase_code=phase_code,
        signed_on=signing.signed_on,
        venue=signing.venue,
        recorded_at=signing.recorded_at,
        signatures=[SignatureOut(**s.model_dump(), status=ParticipantStatus.MOU_SIGNED) for s in signatories],
    )
