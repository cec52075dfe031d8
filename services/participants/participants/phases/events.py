"""The events of phases: a cohort opened."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from .models import Phase


class PhaseCreated(EventData):
    """An operator opened a phase (a yearly cohort) with its quota and registration window."""

    event_type = "phase.created"
    example: ClassVar[dict[str, Any]] = {
        "phase_code": "2027",
        "name": "Gerakan Menuju 100 Smart City 2027",
        "year": 2027,
        "quota": 50,
        "registration_opens_on": "2027-01-04",
        "registration_closes_on": "2027-02-26",
    }

    phase_code: str
    name: str
    year: int
    quota: int = Field(description="How many regions the phase selects.")
    registration_opens_on: date
    registration_closes_on: date


async def phase_created(session: AsyncSession, phase: Phase) -> None:
    data = PhaseCreated(
        phase_code=phase.code,
        name=phase.name,
        year=phase.year,
        quota=phase.quota,
        registration_opens_on=phase.registration_opens_on,
        registration_closes_on=phase.registration_closes_on,
    )
    await record(session, events, f"phases/{phase.code}", data)
