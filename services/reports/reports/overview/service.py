"""The overview's figures, counted from the projections at read time (a few thousand rows at most)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from smartcity_vocabulary import ParticipantStatus, TimeZone, TrackStatus
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from ..projections.models import Participant, Phase, RegionStatistics, Track
from ..provinces import BY_CODE, PROVINCES
from ..scope import Scope
from ..vocabulary import FUNNEL, LEFT, REACHED, STAGES, STATUSES, TIME_ZONES, Lang, label
from .schemas import (
    FunnelRow,
    Overview,
    PhaseRow,
    ProvinceRow,
    ScopeOut,
    StageRow,
    StatusRow,
    Summary,
    TimeZoneRow,
)

# the programme is run from Jakarta: a day of the programme is a day in WIB
PROGRAMME_ZONE = ZoneInfo(TimeZone.WIB)


def rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def day_of(moment: datetime | None) -> date | None:
    return moment.astimezone(PROGRAMME_ZONE).date() if moment is not None else None


def first_reached(status: str) -> sa.ColumnElement[datetime]:
    # a plain str key: an enum member would bind as jsonb
    return sa.cast(Participant.reached[str(status)].astext, sa.DateTime(timezone=True))


Counts = dict[tuple[str | None, str], tuple[int, int]]


async def status_counts(session: AsyncSession, scope: Scope, group: QueryableAttribute[str] | None = None) -> Counts:
    """(group, status) -> (participants, population)."""
    population = sa.func.coalesce(sa.func.sum(RegionStatistics.population), 0)
    key = group if group is not None else sa.literal(None, sa.Text)
    stmt = (
        sa.select(key, Participant.status, sa.func.count(), population)
        .select_from(Participant)
        .outerjoin(RegionStatistics, RegionStatistics.code == Participant.region_code)
        .where(*scope.where(Participant))
        .group_by(key, Participant.status)
    )
    return {(g, s): (n, int(p)) for g, s, n, p in (await session.execute(stmt)).all()}


def counts_row(counts: Counts, key: str | None) -> dict[str, int]:
    row = {status: counts.get((key, status), (0, 0))[0] for status in STATUSES}
    row["participants"] = sum(row.values())
    row["population"] = sum(counts.get((key, s), (0, 0))[1] for s in STATUSES if s not in LEFT)
    return row


async def track_counts(session: AsyncSession, scope: Scope) -> dict[tuple[str, str], int]:
    stmt = (
        sa.select(Track.stage, Track.status, sa.func.count())
        .where(*scope.where(Track))
        .group_by(Track.stage, Track.status)
    )
    return {(stage, status): n for stage, status, n in (await session.execute(stmt)).all()}


async def phase_rows(session: AsyncSession, scope: Scope) -> list[PhaseRow]:
    p = (
        sa.select(
            Participant.phase_code,
            sa.func.count().label("participants"),
            sa.func.min(first_reached(ParticipantStatus.APPLIED)).label("first_applied"),
            sa.func.count().filter(Participant.reached.has_key(str(ParticipantStatus.MOU_SIGNED))).label("mous"),
            sa.func.max(first_reached(ParticipantStatus.MOU_SIGNED)).label("last_signed"),
        )
        .where(*scope.where(Participant))
        .group_by(Participant.phase_code)
        .subquery()
    )
    t = (
        sa.select(
            Track.phase_code,
            sa.func.count().label("opened"),
            sa.func.count().filter(Track.status == TrackStatus.COMPLETED).label("completed"),
        )
        .where(*scope.where(Track))
        .group_by(Track.phase_code)
        .subquery()
    )
    stmt = (
        sa.select(Phase, p, t.c.opened, t.c.completed)
        .outerjoin(p, p.c.phase_code == Phase.code)
        .outerjoin(t, t.c.phase_code == Phase.code)
        .order_by(Phase.year.nulls_last(), Phase.code)
    )
    if scope.phase_code is not None:
        stmt = stmt.where(Phase.code == scope.phase_code)
    rows = []
    for row in (await session.execute(stmt)).all():
        phase: Phase = row.Phase
        opened, completed = row.opened or 0, row.completed or 0
        rows.append(
            PhaseRow(
                phase_code=phase.code,
                name=phase.name,
                year=phase.year,
                quota=phase.quota,
                participants=row.participants or 0,
                first_applied_on=day_of(row.first_applied),
                mous_signed=row.mous or 0,
                last_signed_on=day_of(row.last_signed),
                tracks_opened=opened,
                tracks_completed=completed,
                completion_rate=rate(completed, opened),
            )
        )
    return rows


async def funnel(session: AsyncSession, scope: Scope, lang: Lang) -> list[FunnelRow]:
    stmt = sa.select(*(sa.func.count().filter(Participant.reached.has_key(step)) for step in FUNNEL)).where(
        *scope.where(Participant)
    )
    reached = (await session.execute(stmt)).one()
    return [FunnelRow(step=step, label=label(step, lang), reached=n) for step, n in zip(FUNNEL, reached, strict=True)]


async def overview(session: AsyncSession, scope: Scope, lang: Lang = "id") -> Overview:
    by_status = await status_counts(session, scope)
    by_province = await status_counts(session, scope, Participant.province_code)
    by_zone = await status_counts(session, scope, Participant.time_zone)
    tracks = await track_counts(session, scope)
    steps = await funnel(session, scope, lang)

    total = counts_row(by_status, None)
    per_status = {s: by_status.get((None, s), (0, 0)) for s in STATUSES}
    track_status: defaultdict[str, int] = defaultdict(int)
    for (_, status), n in tracks.items():
        track_status[status] += n
    opened = sum(track_status.values())
    summary = Summary(
        participants=total["participants"],
        taking_part=total["participants"] - sum(total[s] for s in LEFT),
        mous_signed=next(row.reached for row in steps if row.step == ParticipantStatus.MOU_SIGNED),
        tracks_opened=opened,
        tracks_active=track_status[TrackStatus.ACTIVE],
        tracks_completed=track_status[TrackStatus.COMPLETED],
        tracks_withdrawn=track_status[TrackStatus.WITHDRAWN],
        completion_rate=rate(track_status[TrackStatus.COMPLETED], opened),
        population_taking_part=total["population"],
        population_reached=sum(per_status[s][1] for s in REACHED),
    )
    provinces = [p for p in PROVINCES if scope.province_code in (None, p.code)]
    return Overview(
        scope=ScopeOut(**scope.as_dict()),
        summary=summary,
        statuses=[
            StatusRow(status=s, label=label(s, lang), participants=per_status[s][0], population=per_status[s][1])
            for s in STATUSES
        ],
        funnel=steps,
        provinces=[
            ProvinceRow(province_code=p.code, province=BY_CODE[p.code].name, **counts_row(by_province, p.code))
            for p in sorted(provinces, key=lambda p: p.code)
        ],
        time_zones=[TimeZoneRow(time_zone=z, label=label(z, lang), **counts_row(by_zone, z)) for z in TIME_ZONES],
        stages=[StageRow(stage=s, label=label(s, lang), tracks=tracks.get((s, TrackStatus.ACTIVE), 0)) for s in STAGES],
        phases=await phase_rows(session, scope),
    )
