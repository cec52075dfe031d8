"""The event of a mentor's record: a mentor joined the programme's pool."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from .models import Mentor


class MentorCreated(EventData):
    """An operator added a mentor (an academic or practitioner) with their expertise and capacity.
    The mentor's e-mail is in no event but the assignment that monitoring needs it from."""

    event_type = "mentor.created"
    example: ClassVar[dict[str, Any]] = {
        "mentor_id": "7d1f3b2a-6c4e-4f8a-b2d1-9e0a1c3b5d77",
        "name": "Dr. Sari Wulandari",
        "organization": "Institut Teknologi Bandung",
        "expertise": ["governance", "economy"],
        "home_region_code": "32.73",
        "max_tracks": 5,
    }

    mentor_id: uuid.UUID
    name: str
    organization: str
    expertise: list[str] = Field(description="Master-plan dimensions the mentor knows.")
    home_region_code: str | None = Field(description="The region the mentor may not mentor (their own).")
    max_tracks: int = Field(description="How many active tracks the mentor takes at most.")


async def mentor_created(session: AsyncSession, mentor: Mentor) -> None:
    data = MentorCreated(
        mentor_id=mentor.id,
        name=mentor.name,
        organization=mentor.organization,
        expertise=list(mentor.expertise),
        home_region_code=mentor.home_region_code,
        max_tracks=mentor.max_tracks,
    )
    await record(session, events, f"mentors/{mentor.id}", data)
