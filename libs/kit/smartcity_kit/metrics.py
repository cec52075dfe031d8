"""Prometheus registries as every process builds them: the process and GC collectors, the database pool,
the outbox, and how far each feed consumer is behind its feed."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from prometheus_client import GC_COLLECTOR, CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.ext.asyncio import AsyncEngine


def new_registry() -> CollectorRegistry:
    """A registry of one's own with what the default one holds: process (CPU, memory, files), platform and GC."""
    registry = CollectorRegistry()
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    if GC_COLLECTOR is not None:  # None where the interpreter has no gc callbacks
        GCCollector(registry=registry)
    return registry


class PoolCollector(Collector):
    """Connections of the database pool: checked out now, and the size it keeps (overflow comes on top)."""

    def __init__(self, engine: Callable[[], AsyncEngine | None]) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        engine = self.engine()
        if engine is None:
            return
        pool: Any = engine.sync_engine.pool
        in_use = GaugeMetricFamily("db_pool_connections_in_use", "Connections checked out of the pool")
        size = GaugeMetricFamily("db_pool_size", "Connections the pool keeps (overflow may add more)")
        if hasattr(pool, "checkedout") and hasattr(pool, "size"):
            in_use.add_metric([], pool.checkedout())
            size.add_metric([], pool.size())
            yield in_use
            yield size


class FeedPosition(Protocol):
    feed: str
    behind: int | None
    oldest_behind_at: float | None


class FeedCollector(Collector):
    """Per consumed feed, as the producer said at the last poll: events not yet consumed, and how old the
    oldest of them is (0 when none is behind)."""

    def __init__(self, consumers: Callable[[], Iterable[FeedPosition]]) -> None:
        self.consumers = consumers

    def collect(self) -> Iterator[GaugeMetricFamily]:
        behind = GaugeMetricFamily(
            "feed_consumer_events_behind", "Events of the feed not yet consumed", labels=["feed"]
        )
        age = GaugeMetricFamily(
            "feed_consumer_oldest_unconsumed_age_seconds", "Age of the oldest unconsumed event", labels=["feed"]
        )
        now = time.time()
        for consumer in self.consumers():
            if consumer.behind is None:
                continue  # not polled yet
            behind.add_metric([consumer.feed], consumer.behind)
            oldest = consumer.oldest_behind_at
            age.add_metric([consumer.feed], max(now - oldest, 0.0) if oldest is not None else 0.0)
        yield behind
        yield age
