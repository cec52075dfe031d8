"""What `/metrics` holds besides requests: the process and GC, the database pool, the outbox, each feed's lag."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa
from smartcity_kit.outbox import FeedConsumer

from .conftest import SECRET
from .test_conventions import all_visible


def sample(text: str, name: str) -> float:
    """The value of one sample line, `name` with its labels as written."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
    assert match, f"no sample {name}"
    return float(match.group(1))


async def test_metrics_hold_the_process_the_pool_the_outbox_and_how_far_a_consumer_is_behind(
    kit_app, kit_client, as_role, kit_cursors, kit_engine
):
    for i in range(5):
        assert (await kit_client.post("/api/v1/notes", json={"text": f"m{i}"}, headers=as_role("operator"))).is_success
    async with kit_engine.connect() as conn:
        total = (await conn.execute(sa.text("SELECT count(*) FROM kit_test.events"))).scalar_one()
    await all_visible(kit_client, as_role, total)  # another test session's transaction may hide them a moment

    async def ignore(session, event) -> None:
        return None

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=kit_app), base_url="http://kit") as client:
        consumer = FeedConsumer(
            feed="kit-lag",
            url="http://kit/api/v1/events/kit",
            handler=ignore,
            sessionmaker=kit_app.state.sessionmaker,
            cursors=kit_cursors,
            client=client,
            secret=SECRET,
            me="kit",
            batch=2,
        )
        kit_app.state.feed_consumers.append(consumer)
        try:
            text = (await kit_client.get("/metrics")).text
            assert 'feed_consumer_events_behind{feed="kit-lag"}' not in text  # not polled yet: no figure
            assert await consumer.run_once() == 2
            text = (await kit_client.get("/metrics")).text
            assert sample(text, 'feed_consumer_events_behind{feed="kit-lag"}') == total - 2
            assert sample(text, 'feed_consumer_oldest_unconsumed_age_seconds{feed="kit-lag"}') > 0
            while await consumer.run_once():
                pass
            text = (await kit_client.get("/metrics")).text
            assert sample(text, 'feed_consumer_events_behind{feed="kit-lag"}') == 0
            assert sample(text, 'feed_consumer_oldest_unconsumed_age_seconds{feed="kit-lag"}') == 0
        finally:
            kit_app.state.feed_consumers.remove(consumer)

    assert sample(text, "outbox_events") == total
    assert sample(text, "db_pool_size") == kit_app.state.engine.sync_engine.pool.size()
    assert 0 <= sample(text, "db_pool_connections_in_use") <= sample(text, "db_pool_size")
    assert sample(text, "process_resident_memory_bytes") > 0
    assert sample(text, 'python_gc_objects_collected_total{generation="0"}') >= 0
    assert "python_info{" in text
