"""The real `webhooks-serve` process: killed (SIGKILL) mid-batch and restarted; two replicas on one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from smartcity_dev.platform import free_port
from smartcity_dev.receivers import Answer
from smartcity_dev.testing import eventually

from .conftest import LOOPBACK, SECRET, identity

SERVE = Path(sys.executable).parent / "webhooks-serve"


def environment(settings, feeds_url: str, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "SMARTCITY_INTERNAL_SECRET": SECRET,
        "WEBHOOKS_FEEDS": f"participants={feeds_url}",
        "WEBHOOKS_ALLOWED_NETWORKS": LOOPBACK,
        "WEBHOOKS_LEASE_SECONDS": "2",
        "WEBHOOKS_DISPATCH_INTERVAL": "0.05",
        "WEBHOOKS_FEED_INTERVAL": "0.05",
        "WEBHOOKS_FEED_BATCH": "50",
        "WEBHOOKS_RETRY_SCHEDULE": "0.2,0.4,0.8",
        "WEBHOOKS_LOG_LEVEL": "WARNING",
        "WEBHOOKS_PORT": str(free_port()),
        **more,
    }


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def subscribe(client, url: str) -> dict:
    response = await client.post(
        "/api/v1/webhooks", json={"url": url, "event_types": ["*"]}, headers=identity("operator")
    )
    assert response.status_code == 201, response.text
    return response.json()


def first_seen(ids: list[str]) -> list[str]:
    return list(dict.fromkeys(ids))


async def test_sigkill_mid_batch_then_restart_loses_nothing_and_repeats_only_what_was_not_recorded(
    start, settings, feeds, feeds_url, receiver, engine
):
    registrar = await start(consume_feeds=False, deliver=False)
    receivers = [receiver(lambda n, r: Answer(delay=0.01)) for _ in range(2)]
    endpoint_ids = [(await subscribe(registrar, r.url))["id"] for r in receivers]
    expected = [f"evt_participants_{i}" for i in range(1, 201)]
    for i in range(200):
        feeds.add("participants", "participant.applied", {"region_code": "32.73", "n": i})
    env = environment(settings, feeds_url)

    first = subprocess.Popen([str(SERVE)], env=env)
    try:
        await eventually(lambda: all(len(r.received) >= 60 for r in receivers), what="a third of the deliveries")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        stop(first, signal.SIGKILL)

    recorded: dict[str, set[str]] = {e: set() for e in endpoint_ids}
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text("SELECT endpoint_id, message_id FROM webhooks.deliveries WHERE status = 'delivered'")
        )
        for endpoint_id, message_id in rows:
            recorded[str(endpoint_id)].add(message_id)
    assert sum(len(ids) for ids in recorded.values()) < 400  # killed with work left

    second = subprocess.Popen([str(SERVE)], env={**env, "WEBHOOKS_PORT": str(free_port())})
    try:
        for r in receivers:
            await eventually(lambda r=r: set(r.ids()) >= set(expected), what="every event at every receiver")

        async def all_recorded():
            async with engine.connect() as conn:
                return (
                    await conn.execute(sa.text("SELECT count(*) FROM webhooks.deliveries WHERE status = 'delivered'"))
                ).scalar_one() == 400

        await eventually(all_recorded, what="every delivery recorded")
    finally:
        stop(second)
    for r, endpoint_id in zip(receivers, endpoint_ids, strict=True):
        ids = r.ids()
        assert first_seen(ids) == expected  # in feed order
        repeated = {i for i in ids if ids.count(i) > 1}
        # a repeat is a delivery the killed process sent but had not yet recorded, never one it recorded
        assert repeated.isdisjoint(recorded[endpoint_id])


async def test_two_replicas_never_send_one_delivery_twice(start, settings, feeds, feeds_url, receiver, engine):
    registrar = await start(consume_feeds=False, deliver=False)
    receivers = [receiver(lambda n, r: Answer(delay=0.005)) for _ in range(6)]
    for r in receivers:
        await subscribe(registrar, r.url)
    expected = [f"evt_participants_{i}" for i in range(1, 151)]
    # each replica may serve three endpoints at once: both must work for six
    env = environment(settings, feeds_url, WEBHOOKS_MAX_ENDPOINTS="3", WEBHOOKS_LEASE_SECONDS="15")
    replicas = [subprocess.Popen([str(SERVE)], env={**env, "WEBHOOKS_PORT": str(free_port())}) for _ in range(2)]
    try:
        for i in range(150):
            feeds.add("participants", "participant.applied", {"region_code": "32.73", "n": i})
        for r in receivers:
            await eventually(lambda r=r: len(r.received) >= 150, what="150 deliveries at each receiver")

        async def all_recorded():
            async with engine.connect() as conn:
                return (
                    await conn.execute(sa.text("SELECT count(*) FROM webhooks.deliveries WHERE status = 'delivered'"))
                ).scalar_one() == 900

        await eventually(all_recorded, what="every delivery recorded")
    finally:
        for process in replicas:
            stop(process)
    for r in receivers:
        assert r.ids() == expected  # each once, in feed order
    async with engine.connect() as conn:
        senders = (await conn.execute(sa.text("SELECT count(DISTINCT sender) FROM webhooks.attempts"))).scalar_one()
        attempts = (await conn.execute(sa.text("SELECT count(*) FROM webhooks.attempts"))).scalar_one()
    assert (senders, attempts) == (2, 900)
