"""The reports service fed a synthetic programme from empty: projection speed, overview latency, chart and map
render times and sizes.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/reports/run.py
    .venv/bin/python bench/reports/run.py --regions 100 --phases 2 --requests 50     # a quick look

514 regions over 5 phases are about 200,000 events (synthetic.py). The feeds
are a stand-in (uvicorn, real HTTP, in this process); the reports service is
the real `reports-serve` process on a scratch database of its own (on
DATABASE_URL's server, else an embedded PostgreSQL in .data/bench-reports).
Beside each wall-clock figure, the CPU it took (the service's per request, not
PostgreSQL's; this process's per drawing): on a shared machine those move less.
Figures go to stdout and bench/results/reports.md, with the command and the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import orjson
import psutil
import uvicorn
from reports.charts import specs, tilemap
from reports.charts.render import render_sync
from reports.migrate import MIGRATIONS
from reports.overview.schemas import Overview
from reports.scope import Scope
from smartcity_dev.platform import embedded_database, free_port
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.migrations import upgrade
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).parent))
import synthetic  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SECRET = "bench-secret-of-at-least-32-characters!"
BIN = Path(sys.executable).parent


def feeds_app(feeds: synthetic.Feeds) -> Starlette:
    async def feed(request) -> Response:
        events = feeds.events[request.path_params["service"]]
        after = request.query_params.get("after")
        limit = int(request.query_params.get("limit", 50))
        start = int(after) if after else 0
        items = events[start : start + limit]
        cursor = str(start + len(items)) if items else after
        return Response(orjson.dumps({"items": items, "next_cursor": cursor}), media_type="application/json")

    return Starlette(routes=[Route("/api/v1/events/{service}", feed)])


def serve_in_thread(app, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server


def scratch_database() -> tuple[str, object]:
    url = os.environ.get("DATABASE_URL")
    handle = None
    if not url:
        url, handle = embedded_database(REPO / ".data" / "bench-reports")
    name = f"bench_reports_{uuid.uuid4().hex[:8]}"

    async def create() -> None:
        conn = await asyncpg.connect(url)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    asyncio.run(create())
    return urlunsplit(urlsplit(url)._replace(path="/" + name)), (url, name, handle)


def drop(admin: tuple[str, str, object]) -> None:
    url, name, _ = admin

    async def run() -> None:
        conn = await asyncpg.connect(url)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(run())


async def cursors(url: str) -> dict[str, int]:
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT feed, cursor FROM reports.consumer_cursors")
    finally:
        await conn.close()
    return {r["feed"]: int(r["cursor"] or 0) for r in rows}


def ready(base: str) -> None:
    while True:
        try:
            if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def cpu_ms(process: psutil.Process) -> float:
    """The CPU time a process has used so far (user and system, all threads), in ms."""
    times = process.cpu_times()
    return (times.user + times.system) * 1000


def load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--regions", type=int, default=514)
    parser.add_argument("--phases", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="overview requests per scope")
    parser.add_argument("--renders", type=int, default=10, help="renders per chart and format")
    args = parser.parse_args()
    load_at_start = load()

    feeds = synthetic.programme(args.regions, args.phases)
    total = feeds.total()
    print(f"{total} events: " + ", ".join(f"{k} {len(v)}" for k, v in feeds.events.items()), flush=True)
    feed_port = free_port()
    feed_server = serve_in_thread(feeds_app(feeds), feed_port)
    url, admin = scratch_database()
    upgrade(MIGRATIONS, url)
    port = free_port()
    feed_url = f"http://127.0.0.1:{feed_port}"
    env = {
        **os.environ,
        "REPORTS_DATABASE_URL": url,
        "SMARTCITY_INTERNAL_SECRET": SECRET,
        "REPORTS_PORT": str(port),
        "REPORTS_PARTICIPANTS_URL": feed_url,
        "REPORTS_MENTORING_URL": feed_url,
        "REPORTS_DOCUMENTS_URL": feed_url,
        "REPORTS_MONITORING_URL": feed_url,
        "REPORTS_FEED_BATCH": "500",
        "REPORTS_FEED_INTERVAL": "0.05",
        "REPORTS_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen([str(BIN / "reports-serve")], env=env)
    lines: list[str] = []
    me = psutil.Process()
    base = f"http://127.0.0.1:{port}"
    try:
        ready(base)
        # the consumers started with the app: count what they apply from here to the feeds' ends
        started = time.perf_counter()
        before = sum(asyncio.run(cursors(url)).values())
        ends = {k: len(v) for k, v in feeds.events.items()}
        while asyncio.run(cursors(url)) != ends:
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        applied = total - before
        lines.append(
            f"| projection, from empty | {applied} events in {seconds:.1f} s | {applied / seconds:,.0f} events/s |"
        )
        # the reads against a service that polls its feeds as deployed (REPORTS_FEED_INTERVAL's default), not
        # twenty times a second per feed as above: those polls share the one event loop with the requests
        process.terminate()
        process.wait(30)
        env.pop("REPORTS_FEED_INTERVAL")
        process = subprocess.Popen([str(BIN / "reports-serve")], env=env)
        ready(base)
        server = psutil.Process(process.pid)

        headers = {"x-smartcity-identity": sign_identity(Caller("bench", "operator"), SECRET, ttl=3600)}
        client = httpx.Client(base_url=base, headers=headers, timeout=30)
        phase = str(2022 + args.phases // 2)
        for label, params in ((f"overview, phase {phase}", {"phase_code": phase}), ("overview, all phases", {})):
            client.get("/api/v1/reports/overview", params=params).raise_for_status()
            cpu = cpu_ms(server)
            times = timed(
                lambda p=params: client.get("/api/v1/reports/overview", params=p).raise_for_status(), args.requests
            )
            cpu = (cpu_ms(server) - cpu) / args.requests
            lines.append(
                f"| {label} (JSON, {args.requests} requests) | p50 {percentile(times, 50):.1f} ms, "
                f"p99 {percentile(times, 99):.1f} ms | service CPU {cpu:.1f} ms/request |"
            )
        times = timed(
            lambda: client.get("/api/v1/reports/overview", params={"format": "xlsx"}).raise_for_status(),
            max(10, args.requests // 10),
        )
        lines.append(
            f"| overview as XLSX, all phases | p50 {percentile(times, 50):.1f} ms | "
            f"p99 {percentile(times, 99):.1f} ms |"
        )

        report = Overview.model_validate_json(
            client.get("/api/v1/reports/overview", params={"phase_code": phase}).content
        )
        scope = Scope(phase_code=phase)
        for name, draw in (("funnel", specs.funnel), ("stages", specs.stages), ("map", tilemap.tile_map)):
            spec = draw(report, scope, "id")
            cpu = time.process_time()
            times = timed(lambda d=draw: d(report, scope, "id"), args.renders)
            cpu = (time.process_time() - cpu) * 1000 / args.renders
            lines.append(
                f"| {name}: its Vega-Lite specification ({args.renders}) | median {statistics.median(times):.0f} ms"
                f" (max {max(times):.0f}) | CPU {cpu:.0f} ms |"
            )
            for format_ in ("svg", "png"):
                render_sync(spec, format_)  # the renderer's first call loads it
                cpu = cpu_ms(me)
                times = timed(lambda s=spec, f=format_: render_sync(s, f), args.renders)
                cpu = (cpu_ms(me) - cpu) / args.renders
                size = len(render_sync(spec, format_))
                lines.append(
                    f"| {name}.{format_} render ({args.renders}) | median {statistics.median(times):.0f} ms"
                    f" (max {max(times):.0f}), CPU {cpu:.0f} ms | {size / 1024:.1f} KiB |"
                )
        for chart in ("funnel.svg", "map.svg", "map.png"):
            params = {"phase_code": phase, "lang": "en"}
            path = f"/api/v1/reports/charts/{chart}"
            cold = timed(lambda p=path, q=params: client.get(p, params=q).raise_for_status(), 1)[0]
            warm = timed(lambda p=path, q=params: client.get(p, params=q).raise_for_status(), 20)
            lines.append(
                f"| {chart} over HTTP | first {cold:.0f} ms | then p50 {percentile(warm, 50):.0f} ms"
                " (the image from the cache) |"
            )
        client.close()
    finally:
        process.terminate()
        process.wait(30)
        feed_server.should_exit = True
        drop(admin)
    table = ["| what | figure | |", "| --- | --- | --- |", *lines]
    out = REPO / "bench" / "results" / "reports.md"
    out.parent.mkdir(exist_ok=True)
    cpu = os.cpu_count()
    command = " ".join([".venv/bin/python", "bench/reports/run.py", *sys.argv[1:]])
    out.write_text(
        f"# Reports benchmark\n\n`{command}`: {args.regions} regions, {args.phases} phases, {total} events; "
        f"{cpu} cores, load average (1/5/15 min) {load_at_start} at the start, {load()} at the end.\n\n"
        + "\n".join(table)
        + "\n"
    )
    print("\n".join(table))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
