"""The event of a signing day: the date, the venue and every participant that signed there.

A signing day concerns many regions, so the event names none (`region_code`
is absent): a region's own feed and webhooks learn of its signature from its
`participant.status_changed` to `mou_signed`.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..applications.events import PARTICIPANT
from ..database import events


class Signatory(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participant_id: uuid.UUID
    region_code: str
    region_name: str
    signatory_name: str
    signatory_title: str
    document_id: uuid.UUID | None = Field(description="The signed MoU in the documents service.")


class MouSigned(EventData):
    """MoUs were signed on a signing day: every participant of it is now `mou_signed`."""

    event_type = "mou.signed"
    example: ClassVar[dict[str, Any]] = {
        "signing_id": "4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b8",
        "phase_code": "2027",
        "signed_on": "2027-04-20",
        "venue": "Gedung Kominfo, Jakarta",
        "participants": [
            {
                "participant_id": PARTICIPANT,
                "region_code": "32.73",
                "region_name": "Kota Bandung",
                "signatory_name": "Muhammad Farhan",
                "signatory_title": "Wali Kota Bandung",
                "document_id": None,
            }
        ],
        "actor": "operator:ops@kominfo.go.id",
    }

    signing_id: uuid.UUID
    phase_code: str
    signed_on: date
    venue: str
    participants: list[Signatory]
    actor: str = Field(description="`role:subject` of who recorded the signing day.")


async def mou_signed(session: AsyncSession, data: MouSigned) -> None:
    await record(session, events, f"mou-signings/{data.signing_id}", data)
