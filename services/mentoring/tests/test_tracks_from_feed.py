"""Tracks open and close by themselves from the participants feed, read over real HTTP.

These tests commit for real (a consumer's batch is its own transaction, and two
consumers need two connections), so they empty the track tables afterwards.
"""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
import sqlalchemy as sa
from mentoring.main import create_app
from mentoring.tracks.consumer import apply_participant_event, participants_consumer

PHASE = "2018"


@pytest.fixture
async def feed_http():
    async with httpx.AsyncClient(timeout=5) as client:
        yield client


def consumer(committed, feed_http, upstream_url, *, batch=100, handler=apply_participant_event, feed=None):
    c = participants_consumer(
        participants_url=upstream_url,
        sessionmaker=committed,
        client=feed_http,
        secret="mentoring-test-secret-of-32-chars-or-more",
        batch=batch,
        handler=handler,
    )
    if feed is not None:
        c.feed = feed
    return c


async def drain(c) -> int:
    total = 0
    while (n := await c.run_once()) > 0:
        total += n
    return total


async def counts(engine) -> tuple[int, int, int]:
    """(tracks, distinct participants, track.opened events)."""
    async with engine.connect() as conn:
        tracks, participants = (
            await conn.execute(sa.text("SELECT count(*), count(DISTINCT participant_id) FROM mentoring.tracks"))
        ).one()
        opened = (
            await conn.execute(sa.text("SELECT count(*) FROM mentoring.events WHERE type = 'track.opened'"))
        ).scalar_one()
    return tracks, participants, opened


def sign_fifty(upstream) -> list[str]:
    """A phase of 50 selected regions signs its MoUs in one batch (with other events in between)."""
    ids = []
    for i in range(50):
        pid = str(uuid.uuid4())
        ids.append(pid)
        region = f"{32 + i % 3}.{71 + i % 20:02d}"
        upstream.status_changed(pid, region, PHASE, "assessed", "selected")
        upstream.status_changed(pid, region, PHASE, "selected", "mou_signed")
    return ids


async def test_mou_signed_opens_one_track_with_its_event(committed, feed_http, upstream, upstream_url, engine):
    pid = str(uuid.uuid4())
    upstream.status_changed(pid, "51.71", PHASE, None, "applied")
    upstream.status_changed(pid, "51.71", PHASE, "selected", "mou_signed")
    upstream.status_changed(pid, "51.71", PHASE, "mou_signed", "mentoring")
    assert await drain(consumer(committed, feed_http, upstream_url)) == 3
    async with engine.connect() as conn:
        track = (await conn.execute(sa.text("SELECT * FROM mentoring.tracks"))).one()
        event = (await conn.execute(sa.text("SELECT type, subject, data FROM mentoring.events"))).one()
    assert (str(track.participant_id), track.region_code, track.phase_code, track.stage, track.status) == (
        pid,
        "51.71",
        PHASE,
        "bimtek_1",
        "active",
    )
    assert track.time_zone == "Asia/Makassar"
    assert event.type == "track.opened"
    assert event.subject == f"tracks/{track.id}"
    assert event.data == {
        "track_id": str(track.id),
        "participant_id": pid,
        "region_code": "51.71",
        "phase_code": PHASE,
        "stage": "bimtek_1",
    }


async def test_withdrawal_closes_the_track_once(committed, feed_http, upstream, upstream_url, engine):
    pid, other = str(uuid.uuid4()), str(uuid.uuid4())
    upstream.status_changed(pid, "32.73", PHASE, "selected", "mou_signed")
    upstream.status_changed(pid, "32.73", PHASE, "mentoring", "withdrawn")
    upstream.status_changed(pid, "32.73", PHASE, "mentoring", "withdrawn")  # seen twice
    upstream.status_changed(other, "32.04", PHASE, "selected", "withdrawn")  # never had a track
    await drain(consumer(committed, feed_http, upstream_url))
    async with engine.connect() as conn:
        track = (await conn.execute(sa.text("SELECT id, status, closed_at FROM mentoring.tracks"))).one()
        events = (await conn.execute(sa.text("SELECT type, data FROM mentoring.events ORDER BY id"))).all()
    assert track.status == "withdrawn" and track.closed_at is not None
    assert [(e.type, e.data["participant_id"]) for e in events] == [("track.opened", pid), ("track.withdrawn", pid)]
    assert events[1].data == {
        "track_id": str(track.id),
        "participant_id": pid,
        "region_code": "32.73",
        "phase_code": PHASE,
    }


async def test_a_crash_mid_batch_and_a_replay_never_open_two(committed, feed_http, upstream, upstream_url, engine):
    sign_fifty(upstream)  # 100 events
    handled = 0

    async def crashing(session, event):
        nonlocal handled
        handled += 1
        if handled > 45:
            raise RuntimeError("killed mid-batch")
        await apply_participant_event(session, event)

    first = consumer(committed, feed_http, upstream_url, batch=20, handler=crashing)
    assert await first.run_once() == 20
    assert await first.run_once() == 20
    with pytest.raises(RuntimeError):
        await first.run_once()  # events 41-45 were applied, then the process "died": the batch rolls back
    assert await counts(engine) == (20, 20, 20)

    restarted = consumer(committed, feed_http, upstream_url, batch=20)
    assert await drain(restarted) == 60
    assert await counts(engine) == (50, 50, 50)

    # the cursor is lost (a restore, a bug): the whole feed is applied again and nothing changes
    async with engine.begin() as conn:
        await conn.execute(sa.text("UPDATE mentoring.consumer_cursors SET cursor = NULL"))
    assert await drain(consumer(committed, feed_http, upstream_url, batch=7)) == 100
    assert await counts(engine) == (50, 50, 50)


async def test_two_consumers_at_once_open_exactly_fifty(committed, feed_http, upstream, upstream_url, engine):
    sign_fifty(upstream)
    # the same feed: the row lock lets one apply a batch while the other skips it
    a = consumer(committed, feed_http, upstream_url, batch=10)
    b = consumer(committed, feed_http, upstream_url, batch=10)

    async def until_caught_up(c):
        for _ in range(200):
            await c.run_once()
            if (await counts(engine))[0] == 50:
                return
            await asyncio.sleep(0)

    await asyncio.gather(until_caught_up(a), until_caught_up(b))
    assert await counts(engine) == (50, 50, 50)

    # two consumers that do not share a cursor both apply all 100 events at once: the unique participant
    # constraint and the do-nothing insert keep it at one track each
    c = consumer(committed, feed_http, upstream_url, batch=25, feed="participants-replica-c")
    d = consumer(committed, feed_http, upstream_url, batch=25, feed="participants-replica-d")
    assert await asyncio.gather(drain(c), drain(d)) == [100, 100]
    assert await counts(engine) == (50, 50, 50)


async def test_the_service_consumes_the_feed_by_itself(settings, upstream, upstream_url, engine, committed):
    ids = sign_fifty(upstream)
    app = create_app(settings.model_copy(update={"feed_interval": 0.05, "db_pool_size": 2}))
    async with app.router.lifespan_context(app):
        for _ in range(200):
            if (await counts(engine))[0] == 50:
                break
            await asyncio.sleep(0.05)
    tracks, participants, opened = await counts(engine)
    assert (tracks, participants, opened) == (50, 50, 50)
    async with engine.connect() as conn:
        got = set((await conn.execute(sa.text("SELECT participant_id::text FROM mentoring.tracks"))).scalars())
    assert got == set(ids)


async def test_malformed_and_foreign_events_do_not_stop_the_feed(committed, feed_http, upstream, upstream_url, engine):
    upstream.feed.append(
        {
            "id": 1,
            "type": "participant.status_changed",
            "occurred_at": "2018-05-08T10:00:00+07:00",
            "subject": "participants/x",
            "data": {"participant_id": "not-a-uuid", "to": "mou_signed"},
        }
    )
    upstream.feed.append(
        {
            "id": 2,
            "type": "phase.created",
            "occurred_at": "2018-05-08T10:00:00+07:00",
            "subject": "phases/2018",
            "data": {"code": "2018"},
        }
    )
    upstream.status_changed(str(uuid.uuid4()), "Kota Bandung", PHASE, "selected", "mou_signed")
    pid = str(uuid.uuid4())
    upstream.status_changed(pid, "94.71", PHASE, "selected", "mou_signed")
    assert await drain(consumer(committed, feed_http, upstream_url)) == 4
    assert await counts(engine) == (1, 1, 1)
    async with engine.connect() as conn:
        zone = (await conn.execute(sa.text("SELECT time_zone FROM mentoring.tracks"))).scalar_one()
    assert zone == "Asia/Jayapura"
