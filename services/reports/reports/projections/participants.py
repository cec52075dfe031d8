"""What the participants feed tells: phases, each participant's status, the regions' population."""

from __future__ import annotations

import uuid
from decimal import Decimal

import sqlalchemy as sa
from pydantic import BaseModel, Field
from smartcity_kit.outbox import Event
from smartcity_vocabulary import time_zone_of_region
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ..provinces import province_of
from ..vocabulary import STATUSES, TIME_ZONES
from .models import Participant, Phase, RegionStatistics

REGION_CODE = r"^\d{2}\.\d{2}$"


class StatusChanged(BaseModel):
    participant_id: uuid.UUID
    region_code: str = Field(pattern=REGION_CODE)
    phase_code: str = Field(min_length=1)
    time_zone: str | None = None
    to: str


class StatisticsUpdated(BaseModel):
    code: str = Field(pattern=r"^\d{2}(\.\d{2})?$")
    population_male: int = Field(ge=0)
    population_female: int = Field(ge=0)
    population: int = Field(ge=0)
    area_km2: Decimal = Field(ge=0)


async def known_phase(session: AsyncSession, code: str) -> None:
    await session.execute(insert(Phase).values(code=code).on_conflict_do_nothing())


async def status_changed(session: AsyncSession, event: Event) -> None:
    data = StatusChanged.model_validate(event.data)
    if data.to not in STATUSES:
        raise ValueError(f"unknown status {data.to!r}")
    zone = data.time_zone if data.time_zone in TIME_ZONES else time_zone_of_region(data.region_code)
    at = event.occurred_at.isoformat()
    await known_phase(session, data.phase_code)
    table = Participant.__table__
    stmt = insert(Participant).values(
        participant_id=data.participant_id,
        region_code=data.region_code,
        province_code=province_of(data.region_code),
        phase_code=data.phase_code,
        time_zone=zone,
        status=data.to,
        reached={data.to: at},
        updated_at=event.occurred_at,
    )
    # the first time a status is reached is kept: an event applied again changes nothing
    first_reached = sa.case(
        (table.c.reached.has_key(data.to), table.c.reached),
        else_=table.c.reached.op("||")(stmt.excluded.reached),
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=[Participant.participant_id],
            set_={"status": data.to, "reached": first_reached, "updated_at": event.occurred_at},
        )
    )


async def statistics_updated(session: AsyncSession, event: Event) -> None:
    data = StatisticsUpdated.model_validate(event.data)
    values = data.model_dump()
    values.pop("code")
    await session.execute(
        insert(RegionStatistics)
        .values(code=data.code, **values)
        .on_conflict_do_update(index_elements=[RegionStatistics.code], set_=values)
    )


HANDLERS = {
    "participant.status_changed": status_changed,
    "region.statistics_updated": statistics_updated,
}
