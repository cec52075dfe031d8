"""Approved master plans reach monitoring through mentoring's real feed: one portfolio per plan, whatever the replays.

Mentoring runs as its own app over HTTP on the test database; its track is
opened the way its participants consumer opens one, and the plan is written and
approved through its API. These tests commit for real (a consumer's batch is its
own transaction), so they empty what they wrote afterwards.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import httpx
import pytest
import sqlalchemy as sa
from mentoring.tracks.service import open_track
from monitoring.portfolio.consumer import apply_mentoring_event, mentoring_consumer
from smartcity_dev.samples import master_plan
from smartcity_dev.testing import eventually, identity_headers
from smartcity_kit.outbox import Event

from .conftest import ELEMENTS, SECRET, approved_plan


@pytest.fixture
async def mentoring_tables(engine):
    yield
    async with engine.begin() as conn:
        await conn.execute(
            sa.text(
                "TRUNCATE mentoring.tracks, mentoring.masterplans, mentoring.events, mentoring.deliverables CASCADE"
            )
        )


async def approve_in_mentoring(committed, mentoring_url: str, region_code: str) -> uuid.UUID:
    async with committed() as s:
        track = await open_track(
            s, participant_id=uuid.uuid4(), region_code=region_code, phase_code="2026", time_zone="Asia/Jakarta"
        )
        await s.commit()
    assert track is not None
    async with httpx.AsyncClient(base_url=mentoring_url, timeout=10) as mentoring:
        put = await mentoring.put(
            f"/api/v1/tracks/{track.id}/masterplan",
            json=master_plan(2026),
            headers=identity_headers(SECRET, "region", region_code),
        )
        assert put.status_code == 201, put.text
        approve = await mentoring.post(
            f"/api/v1/tracks/{track.id}/masterplan/approve", headers=identity_headers(SECRET, "operator")
        )
        assert approve.status_code == 200, approve.text
    return track.id


async def drain(consumer) -> int:
    total = 0
    while (n := await consumer.run_once()) > 0:
        total += n
    return total


async def test_an_approved_plan_becomes_one_portfolio_even_when_replayed(
    committed, engine, mentoring_url, http, mentoring_tables
):
    track_id = await approve_in_mentoring(committed, mentoring_url, "32.73")
    consumer = mentoring_consumer(mentoring_url=mentoring_url, sessionmaker=committed, client=http, secret=SECRET)

    # the feed shows a transaction's events once every older transaction has ended: poll, do not assume
    async def portfolio_here() -> bool:
        await drain(consumer)  # track.opened may show before the approval's transaction does: until the portfolio
        async with engine.connect() as conn:
            return bool((await conn.execute(sa.text("SELECT count(*) FROM monitoring.portfolios"))).scalar())

    await eventually(portfolio_here, what="the approved plan in the feed")
    async with engine.connect() as conn:
        portfolio = (await conn.execute(sa.text("SELECT * FROM monitoring.portfolios"))).one()
        initiatives = (
            await conn.execute(sa.text("SELECT id, index, dimension, element, quick_win FROM monitoring.initiatives"))
        ).all()
        events = (await conn.execute(sa.text("SELECT type, subject, data FROM monitoring.events"))).all()
    assert (portfolio.track_id, portfolio.region_code, portfolio.phase_code) == (track_id, "32.73", "2026")
    assert (portfolio.horizon_start_year, portfolio.horizon_end_year, portfolio.plan_version) == (2026, 2035, 2)
    assert sorted((i.index, i.id, i.dimension, i.element, i.quick_win) for i in initiatives) == [
        (i, uuid.uuid5(track_id, f"initiative-{i}"), d, e, i < 3) for i, (d, e) in enumerate(ELEMENTS.items())
    ]
    [(type_, subject, data)] = events
    assert (type_, subject) == ("portfolio.created", f"portfolios/{track_id}")
    assert (data["region_code"], data["phase_code"], len(data["initiative_ids"])) == ("32.73", "2026", 6)

    # the whole feed again from the start (a lost cursor), by two replicas at once: nothing new
    async with committed() as s:
        await s.execute(sa.text("UPDATE monitoring.consumer_cursors SET cursor = NULL"))
        await s.commit()
    other = mentoring_consumer(mentoring_url=mentoring_url, sessionmaker=committed, client=http, secret=SECRET)
    await asyncio.gather(drain(consumer), drain(other))
    async with engine.connect() as conn:
        counts = (
            await conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM monitoring.portfolios),"
                    " (SELECT count(*) FROM monitoring.initiatives), (SELECT count(*) FROM monitoring.events)"
                )
            )
        ).one()
    assert tuple(counts) == (1, 6, 1)


async def test_a_malformed_plan_event_is_skipped_and_the_feed_goes_on(session):
    bad = approved_plan()
    bad["initiatives"][0]["element"] = "waste"  # not an element of governance
    for n, data in enumerate(({"track_id": "x"}, bad)):
        event = Event(id=n, type="masterplan.approved", occurred_at=datetime.now(UTC), subject="t", data=data)
        await apply_mentoring_event(session, event)
    assert (await session.execute(sa.text("SELECT count(*) FROM monitoring.portfolios"))).scalar() == 0
