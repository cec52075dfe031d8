"""What the webhooks dispatcher's queue costs: procrastinate against the kit's outbox pattern (SKIP LOCKED leases).

Both move the same work on the same PostgreSQL with the receivers taken out
(a delivery "succeeds" the moment it is taken), so the figures are the queue's
own: jobs for 20 endpoints arrive at a steady `--rate` for `--seconds`, each
endpoint's jobs in order (procrastinate: a `lock` per endpoint; ours: one
leased task per endpoint), then a burst of `--burst` jobs is drained. It reports the
lag from a job's commit to its start (p50/p99) and the burst's jobs per second.

procrastinate is not a dependency of the project; install it beside it first:

    .venv/bin/uv pip install --python .venv/bin/python 'procrastinate[psycopg]>=3,<4'
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/webhooks/queue_choice.py
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from smartcity_kit.db import create_engine, make_sessionmaker
from smartcity_kit.migrations import upgrade
from webhooks.dispatch.dispatcher import Dispatcher
from webhooks.dispatch.sender import Outcome
from webhooks.migrate import MIGRATIONS
from webhooks.settings import Settings

ENDPOINTS = 20


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def fresh_database(server: str) -> tuple[str, str]:
    name = f"bench_queue_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(server)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return name, urlunsplit(urlsplit(server)._replace(path="/" + name))


async def drop_database(server: str, name: str) -> None:
    conn = await asyncpg.connect(server)
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def steady(produce, rate: float, seconds: float) -> int:
    """Call `produce(i)` `rate` times a second for `seconds`; returns how many."""
    n, started = 0, time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        while n < elapsed * rate:
            await produce(n)
            n += 1
        await asyncio.sleep(0.005)
    return n


async def wait_for(count, total: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while await count() < total:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {await count()} of {total} done")
        await asyncio.sleep(0.02)


# ---- procrastinate


async def run_procrastinate(url: str, rate: float, seconds: float, burst: int, concurrency: int) -> dict[str, float]:
    import procrastinate

    lags: list[float] = []
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))

    @app.task(name="deliver")
    async def deliver(endpoint: int, deferred: float) -> None:
        lags.append(time.time() - deferred)

    async with app.open_async():
        await app.schema_manager.apply_schema_async()
        worker = asyncio.create_task(
            app.run_worker_async(concurrency=concurrency, wait=True, install_signal_handlers=False)
        )

        async def produce(i: int) -> None:
            endpoint = i % ENDPOINTS
            await deliver.configure(lock=f"endpoint-{endpoint}").defer_async(endpoint=endpoint, deferred=time.time())

        async def done() -> int:
            return len(lags)

        n = await steady(produce, rate, seconds)
        await wait_for(done, n)
        steady_lags = list(lags)
        lags.clear()
        started = time.monotonic()
        for start in range(0, burst, 500):
            await deliver.batch_defer_async(
                *({"endpoint": i % ENDPOINTS, "deferred": time.time()} for i in range(start, min(burst, start + 500)))
            )
        await wait_for(done, burst)
        drained = time.monotonic() - started
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    return summary(steady_lags, burst / drained)


# ---- the kit's outbox pattern: the webhooks dispatcher with the receiver taken out


class NoReceiver(Dispatcher):
    async def send(self, url, keys, delivery) -> Outcome:  # noqa: ANN001
        return Outcome(delivery.id, datetime.now(UTC), 0, status_code=204)


async def run_leases(url: str, rate: float, seconds: float, burst: int, concurrency: int) -> dict[str, float]:
    await asyncio.to_thread(upgrade, MIGRATIONS, url)  # alembic runs its own event loop
    settings = Settings(database_url=url, dispatch_interval=0.05, max_endpoints=concurrency)
    engine = create_engine(url, pool_size=concurrency)
    conn = await asyncpg.connect(url)
    endpoints = [uuid.uuid4() for _ in range(ENDPOINTS)]
    await conn.executemany(
        "INSERT INTO webhooks.endpoints (id, url, description, event_types, ordered, status, owner_role,"
        " owner_subject, version) VALUES ($1, 'https://example.org/', '', '{*}', true, 'active', 'operator', 'b', 1)",
        [(e,) for e in endpoints],
    )
    insert = (
        "INSERT INTO webhooks.deliveries (endpoint_id, message_id, event_type, body, occurred_at)"
        " VALUES ($1, $2, 'bench.event', '{}', now())"
    )
    dispatcher = NoReceiver(sessionmaker=make_sessionmaker(engine), client=None, settings=settings)  # type: ignore[arg-type]
    task = asyncio.create_task(dispatcher.run_forever())

    async def produce(i: int) -> None:
        await conn.execute(insert, endpoints[i % ENDPOINTS], f"evt_{i}")

    async def done() -> int:
        return await conn.fetchval("SELECT count(*) FROM webhooks.deliveries WHERE status = 'delivered'")

    n = await steady(produce, rate, seconds)
    await wait_for(done, n)
    rows = await conn.fetch("SELECT extract(epoch FROM delivered_at - created_at) AS lag FROM webhooks.deliveries")
    steady_lags = [float(r["lag"]) for r in rows]
    started = time.monotonic()
    for start in range(0, burst, 500):
        await conn.executemany(
            insert, [(endpoints[i % ENDPOINTS], f"burst_{i}") for i in range(start, min(burst, start + 500))]
        )
    await wait_for(done, n + burst)
    drained = time.monotonic() - started
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await conn.close()
    await engine.dispose()
    return summary(steady_lags, burst / drained)


def summary(lags: list[float], burst_rate: float) -> dict[str, float]:
    return {
        "jobs": len(lags),
        "lag_p50_ms": statistics.median(lags) * 1000,
        "lag_p99_ms": percentile(lags, 99) * 1000,
        "burst_jobs_per_s": burst_rate,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200, help="jobs per second, steady")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=20, help="procrastinate's worker concurrency")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    results = {}
    for name, run in (("procrastinate (lock per endpoint)", run_procrastinate), ("leases (SKIP LOCKED)", run_leases)):
        database, url = await fresh_database(server)
        try:
            results[name] = await run(url, args.rate, args.seconds, args.burst, args.concurrency)
        finally:
            await drop_database(server, database)
    print(f"{ENDPOINTS} endpoints, {args.rate:g} jobs/s for {args.seconds:g} s, then a burst of {args.burst}")
    print("| queue | jobs | lag p50 | lag p99 | burst drained |")
    print("| --- | --- | --- | --- | --- |")
    for name, r in results.items():
        print(
            f"| {name} | {r['jobs']:.0f} | {r['lag_p50_ms']:.0f} ms | {r['lag_p99_ms']:.0f} ms"
            f" | {r['burst_jobs_per_s']:.0f} jobs/s |"
        )


if __name__ == "__main__":
    asyncio.run(main())
