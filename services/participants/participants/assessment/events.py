"""The event of an assessment: the scores, where each official score came from, the readiness score."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import EventData
from smartcity_kit.outbox import record
from sqlalchemy.ext.asyncio import AsyncSession

from ..applications.events import PARTICIPANT, subject_of
from ..applications.models import Participant
from ..applications.schemas import Assessment, ScoreSource
from ..database import events


class ParticipantAssessed(EventData):
    """An applied participant was assessed, or an assessed one re-scored (`rescored`)."""

    event_type = "participant.assessed"
    example: ClassVar[dict[str, Any]] = {
        "participant_id": PARTICIPANT,
        "region_code": "32.73",
        "phase_code": "2027",
        "scores": {
            "fiscal_capacity": 72.5,
            "green_city_index": 64,
            "government_performance_index": 81,
            "sustainable_city_index": 70,
            "infrastructure": 75,
            "superstructure": 68,
            "leadership_vision": 90,
        },
        "sources": {
            "fiscal_capacity": {
                "kind": "official_index",
                "organization": "kemenkeu",
                "year": 2026,
                "published_at": "2026-11-30T09:00:00.123456Z",
            },
            "green_city_index": {"kind": "assessor", "organization": None, "year": None, "published_at": None},
            "government_performance_index": {
                "kind": "assessor",
                "organization": None,
                "year": None,
                "published_at": None,
            },
            "sustainable_city_index": {"kind": "assessor", "organization": None, "year": None, "published_at": None},
        },
        "readiness_score": 74.36,
        "rescored": False,
        "actor": "operator:ops@kominfo.go.id",
    }

    participant_id: uuid.UUID
    region_code: str
    phase_code: str
    scores: Assessment = Field(description="The four official indicators and three interview scores, 0-100.")
    sources: dict[str, ScoreSource] = Field(
        description="Where each official indicator's score came from: the assessor or a ministry's published index."
    )
    readiness_score: float = Field(description="The weighted mean of the scores that apply, two decimals.")
    rescored: bool = Field(description="An assessed participant was scored again.")
    actor: str = Field(description="`role:subject` of the assessor.")


async def assessed(session: AsyncSession, participant: Participant, rescored: bool, actor: str) -> None:
    assert participant.assessment is not None and participant.readiness_score is not None
    data = ParticipantAssessed(
        participant_id=participant.id,
        region_code=participant.region_code,
        phase_code=participant.phase_code,
        scores=Assessment(**participant.assessment),
        sources={name: ScoreSource(**source) for name, source in (participant.assessment_sources or {}).items()},
        readiness_score=float(participant.readiness_score),
        rescored=rescored,
        actor=actor,
    )
    await record(session, events, subject_of(participant), data)
