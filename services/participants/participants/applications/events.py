"""The events of a participant's application: it was made, and every change of its status.

The contacts of an application (names, e-mails, phones) are in no event: the
feeds are read by partner systems, which have no need of them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record, record_many
from smartcity_vocabulary import ParticipantStatus
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from .models import Participant

PARTICIPANT = "0b8e6f5e-41f4-4a59-8f3c-5a0f2c9d1e22"


def subject_of(participant: Participant) -> str:
    return f"participants/{participant.id}"


class ParticipantApplied(EventData):
    """A kabupaten or kota applied to a phase (its status is `applied`)."""

    event_type = "participant.applied"
    example: ClassVar[dict[str, Any]] = {
        "participant_id": PARTICIPANT,
        "region_code": "32.73",
        "region_name": "Kota Bandung",
        "kind": "kota",
        "province_code": "32",
        "time_zone": "Asia/Jakarta",
        "phase_code": "2027",
        "applied_at": "2027-01-12T03:04:05.123456Z",
        "actor": "region:tim@bandung.go.id",
    }

    participant_id: uuid.UUID
    region_code: str
    region_name: str
    kind: Literal["kabupaten", "kota"]
    province_code: str
    time_zone: str
    phase_code: str
    applied_at: datetime
    actor: str = Field(description="`role:subject` of who applied.")


class ParticipantStatusChanged(EventData):
    """A participant's status changed (`from` null: it applied). Selection, a signing day or a withdrawal
    changes many at once: one event each, in one transaction."""

    event_type = "participant.status_changed"
    example: ClassVar[dict[str, Any]] = {
        "participant_id": PARTICIPANT,
        "region_code": "32.73",
        "phase_code": "2027",
        "time_zone": "Asia/Jakarta",
        "from": "waitlisted",
        "to": "selected",
        "actor": "operator:ops@kominfo.go.id",
        "reason": "Promoted from the waitlist: the place of 32.04 was freed (withdrawn).",
        "promoted_in_place_of": "7c2d4e6f-8a9b-4c1d-9e2f-3a4b5c6d7e8f",
        "track_id": None,
    }

    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    time_zone: str
    from_: ParticipantStatus | None = Field(alias="from", description="The status before; null when it applied.")
    to: ParticipantStatus
    actor: str = Field(description="`role:subject` of who changed it; `service:mentoring` for a track's end.")
    reason: str | None
    promoted_in_place_of: uuid.UUID | None = Field(
        None, description="For a promotion from the waitlist: the participant whose place was freed."
    )
    track_id: uuid.UUID | None = Field(
        None, description="For `mentoring`, `completed`, or a withdrawal from mentoring: the track that did it."
    )


async def applied(session: AsyncSession, participant: Participant, actor: str) -> None:
    data = ParticipantApplied(
        participant_id=participant.id,
        region_code=participant.region_code,
        region_name=participant.region_name,
        kind=participant.kind,  # type: ignore[arg-type]
        province_code=participant.province_code,
        time_zone=participant.time_zone,
        phase_code=participant.phase_code,
        applied_at=participant.applied_at,
        actor=actor,
    )
    await record(session, events, subject_of(participant), data)


async def statuses_changed(
    session: AsyncSession,
    changes: Sequence[tuple[Participant, str | None, str, str | None, dict[str, Any]]],
    actor: str,
) -> None:
    """One event per (participant, from, to, reason, extra facts), in one statement."""
    await record_many(
        session,
        events,
        [
            (
                subject_of(p),
                ParticipantStatusChanged.model_validate(
                    {
                        "participant_id": p.id,
                        "region_code": p.region_code,
                        "phase_code": p.phase_code,
                        "time_zone": p.time_zone,
                        "from": frm,
                        "to": to,
                        "actor": actor,
                        "reason": reason,
                        **extra,
                    }
                ),
            )
            for p, frm, to, reason, extra in changes
        ],
    )
