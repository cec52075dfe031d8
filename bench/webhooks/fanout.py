"""10,000 events fanned out to 20 endpoints: deliveries per second and the lag from commit to delivery.

Starts the participants and webhooks services on free ports (the same
`smartcity_dev` Platform as `make run`, a scratch database), 20 local
receivers in a process of their own (`receivers.py`: one failing half the
time, one answering after 2 s, 18 healthy), registers one endpoint per
receiver for every event type, then commits `--events` events into the
participants outbox at `--rate` a second, one transaction each. The webhooks
service reads them from the participants feed over HTTP, as in production.

The lag of a delivery is the time the receiver got it less the time its
event was committed (the outbox row's `occurred_at`). Figures are for the 18
healthy endpoints, while the failing one retries and the slow one crawls.
The lag is also split into its stages: commit -> delivery row made (the feed
read and the fan-out), row made -> sent (the dispatcher's wait; the delivering
attempt's start), sent -> received (the request). The CPU that the webhooks
service, the participants service (serving the feed) and the receivers used
from the first commit to the last healthy delivery recorded (user + system,
from /proc) is given per attempt the webhooks service made. `--py-spy OUT`
records the webhooks service meanwhile (py-spy's raw format, OUT) and prints
the functions that took most of its samples.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/webhooks/fanout.py
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from smartcity_dev.platform import Platform, free_port
from smartcity_kit.identity import Caller, sign_identity

HERE = Path(__file__).resolve().parent
ENDPOINTS = 20


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def produce(url: str, events: int, rate: float) -> float:
    """Commit `events` outbox rows at `rate` a second; returns the seconds it took."""
    conn = await asyncpg.connect(url)
    started = time.monotonic()
    for i in range(events):
        while i > (time.monotonic() - started) * rate:
            await asyncio.sleep(0.002)
        await conn.execute(
            "INSERT INTO participants.events (type, subject, data) VALUES ('bench.event', $1, $2::jsonb)",
            f"bench/{i}",
            json.dumps({"n": i, "region_code": "32.73"}),
        )
    took = time.monotonic() - started
    await conn.close()
    return took


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def short(frame: str) -> str:
    """`function (path/to/module.py)` -> `function (to/module.py)`."""
    name, _, where = frame.partition(" (")
    return f"{name} ({'/'.join(where.rstrip(')').split('/')[-2:])})" if where else name


def top_functions(raw: Path, n: int = 15) -> list[str]:
    """The functions most often on a py-spy raw profile's stacks (share of samples), and at their top."""
    total = 0
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [short(f) for f in stack.split(";")]
        total += int(count)
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + int(count)
        own[frames[-1]] = own.get(frames[-1], 0) + int(count)
    if not total:
        return ["py-spy: no samples"]
    lines = [f"py-spy: {total} samples; on the stack:"]
    lines += [f"  {100 * c / total:5.1f} %  {f}" for f, c in sorted(inclusive.items(), key=lambda kv: -kv[1])[:n]]
    lines.append("at the top of the stack:")
    lines += [f"  {100 * c / total:5.1f} %  {f}" for f, c in sorted(own.items(), key=lambda kv: -kv[1])[:n]]
    return lines


async def delivered_count(url: str, endpoints: list[uuid.UUID]) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM webhooks.deliveries WHERE status = 'delivered' AND endpoint_id = ANY($1)", endpoints
        )
    finally:
        await conn.close()


async def run(args: argparse.Namespace, database_url: str, root: Path) -> None:
    platform = Platform(
        database_url=database_url, root=root, log_dir=root / "logs", services=["participants", "webhooks"]
    )
    platform.env.update(
        {
            "WEBHOOKS_ALLOWED_NETWORKS": "127.0.0.1/32",
            "WEBHOOKS_FEED_INTERVAL": str(args.feed_interval),
            "WEBHOOKS_LOG_LEVEL": "WARNING",
            "PARTICIPANTS_LOG_LEVEL": "WARNING",
            "PARTICIPANTS_MENTORING_URL": "",
        }
    )
    for name in ("participants", "webhooks", "gateway"):
        platform.ports[name] = free_port()
    ports = [free_port() for _ in range(ENDPOINTS)]
    out = root / "received.jsonl"
    receivers = subprocess.Popen(
        [sys.executable, str(HERE / "receivers.py"), str(out), *map(str, ports)], stdout=subprocess.PIPE
    )
    assert receivers.stdout is not None and receivers.stdout.readline().strip() == b"listening"
    platform.migrate()
    try:
        for name in ("participants", "webhooks"):
            platform.start(name)
            platform.wait_ready(120, name=name)
        token = sign_identity(Caller(subject="bench", role="operator"), platform.internal_secret, ttl=600)
        async with httpx.AsyncClient(base_url=platform.url("webhooks"), headers={"x-smartcity-identity": token}) as c:
            endpoints = []
            for port in ports:
                body = {"url": f"http://127.0.0.1:{port}/hooks", "event_types": ["*"]}
                response = await c.post("/api/v1/webhooks", json=body)
                assert response.status_code == 201, response.text
                endpoints.append(uuid.UUID(response.json()["id"]))
        healthy_endpoints = endpoints[2:]  # the first receiver fails half the time, the second is slow
        pids = {"webhooks": platform.processes["webhooks"].pid, "participants": platform.processes["participants"].pid}
        pids["receivers"] = receivers.pid
        profiler = None
        if args.py_spy:
            spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw", "--nolineno"]
            profiler = subprocess.Popen([*spy, "-o", args.py_spy, "--pid", str(pids["webhooks"])])
        cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        print(f"producing {args.events} events at {args.rate:g}/s ... (load average {load_average()})", flush=True)
        produced_in = await produce(database_url, args.events, args.rate)
        healthy_total = (ENDPOINTS - 2) * args.events
        deadline = time.monotonic() + args.timeout
        while await delivered_count(database_url, healthy_endpoints) < healthy_total and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        drained_in = time.monotonic() - deadline + args.timeout
        cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
        load = load_average()
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its profile on SIGINT
            profiler.wait(60)
    finally:
        platform.stop_all()
        receivers.terminate()
        receivers.wait(60)
    conn = await asyncpg.connect(database_url)
    committed = {
        f"evt_participants_{r['id']}": r["at"]
        for r in await conn.fetch("SELECT id, extract(epoch FROM occurred_at)::float8 AS at FROM participants.events")
    }
    attempts = await conn.fetchval("SELECT count(*) FROM webhooks.attempts")
    # connections opened to the bench's database while it ran (the services' pools, their overflow, the bench)
    sessions = await conn.fetchval("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
    made_sent = {
        (r["endpoint_id"], r["message_id"]): (r["made"], r["sent"])
        for r in await conn.fetch(
            "SELECT endpoint_id, message_id, extract(epoch FROM created_at)::float8 AS made,"
            " extract(epoch FROM delivered_at)::float8 AS sent FROM webhooks.deliveries"
            " WHERE status = 'delivered' AND endpoint_id = ANY($1)",
            endpoints[2:],
        )
    }
    await conn.close()
    endpoint_of = dict(zip(ports, endpoints, strict=True))
    seen = [json.loads(line) for line in out.read_text().splitlines()]
    failing, slow = ports[0], ports[1]
    healthy = [s for s in seen if s["port"] not in (failing, slow) and s["status"] == 200]
    lags = [s["at"] - committed[s["id"]] for s in healthy]
    first = min(committed.values())
    last = max(s["at"] for s in healthy)
    print(f"events: {args.events} committed in {produced_in:.1f} s ({args.events / produced_in:.0f}/s)")
    print(
        f"healthy deliveries: {len(healthy)} of {(ENDPOINTS - 2) * args.events} in {last - first:.1f} s"
        f" = {len(healthy) / (last - first):.0f} deliveries/s; all recorded {drained_in:.1f} s after the last commit"
    )
    print(
        f"lag, commit to delivery (healthy): p50 {statistics.median(lags) * 1000:.0f} ms,"
        f" p99 {percentile(lags, 99) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms"
    )
    stages: dict[str, list[float]] = {"commit -> row made": [], "row made -> sent": [], "sent -> received": []}
    for s in healthy:
        made, sent = made_sent[(endpoint_of[s["port"]], s["id"])]
        stages["commit -> row made"].append(made - committed[s["id"]])
        stages["row made -> sent"].append(sent - made)
        stages["sent -> received"].append(s["at"] - sent)
    for stage, values in stages.items():
        print(f"  {stage}: p50 {statistics.median(values) * 1000:.0f} ms, p99 {percentile(values, 99) * 1000:.0f} ms")
    print(
        f"CPU per attempt ({attempts} attempts): "
        + ", ".join(f"{name} {cpu[name] * 1000 / attempts:.3f} ms" for name in cpu)
        + f" ({', '.join(f'{name} {cpu[name]:.1f} s' for name in cpu)}); load average {load}"
    )
    print(f"PostgreSQL sessions opened on the bench's database: {sessions}")
    failing_seen = [s for s in seen if s["port"] == failing]
    print(
        f"failing endpoint: {len(failing_seen)} attempts, {sum(s['status'] == 200 for s in failing_seen)} delivered;"
        f" slow endpoint: {sum(s['port'] == slow for s in seen)} delivered; attempts stored: {attempts}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=50, help="events committed per second")
    parser.add_argument("--feed-interval", type=float, default=0.1, help="WEBHOOKS_FEED_INTERVAL")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the healthy deliveries")
    parser.add_argument("--py-spy", metavar="OUT", help="record the webhooks service with py-spy into OUT")
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"bench_webhooks_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as root:
            await run(args, urlunsplit(urlsplit(server)._replace(path="/" + name)), Path(root))
        if args.py_spy:
            print("\n".join(top_functions(Path(args.py_spy))))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main())
