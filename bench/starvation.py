"""Does one hammered expensive list starve a cheap read? The cheap read's latency while the list is hammered.

    .venv/bin/python bench/starvation.py [--seconds 20] [--connections 100] [--subjects 40] [--documents 250]

Starts the platform on a scratch database (DATABASE_URL's server, else an embedded PostgreSQL in
`.data/bench-starvation/`), uploads `--documents` small PDFs through the gateway, then for each gateway
configuration:

- `bounded`: the defaults (GATEWAY_ROUTE_CONCURRENCY 8, SERVICE_CONCURRENCY 64, QUEUE_TIMEOUT 1 s);
- `unbounded`: both concurrencies at 100000, as the gateway was before they existed,

it measures a cheap read (`GET /api/v1/documents/{id}`, one every 20 ms) alone, then again while another
process keeps `--connections` connections, spread over `--subjects` operator tokens, asking
`GET /api/v1/documents?limit=200` as fast as they are answered. It prints, per configuration, the cheap
read's p50/p95/p99 and errors, and the hammer's requests per second and answers by status (503 is the
gateway shedding the list, by design). Rate limits are set out of the way: this measures the gateway's
admission, not the per-caller limiter.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import multiprocessing
import os
import shutil
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from smartcity_dev.platform import Platform, embedded_database
from smartcity_dev.samples import pdf_bytes

sys.path.insert(0, str(Path(__file__).parent / "load"))
from run import admin, with_database  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / ".data" / "bench-starvation"
GENEROUS = "admin=100000:100000,operator=100000:100000,mentor=100000:100000,region=100000:100000,partner=100000:100000"
CONFIGURATIONS = {
    "bounded": {},
    "unbounded": {"GATEWAY_ROUTE_CONCURRENCY": "100000", "GATEWAY_SERVICE_CONCURRENCY": "100000"},
}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the cheap read is measured, each time")
    parser.add_argument("--connections", type=int, default=100)
    parser.add_argument("--subjects", type=int, default=40)
    parser.add_argument("--documents", type=int, default=250)
    parser.add_argument("--only", choices=list(CONFIGURATIONS), help="measure one configuration only")
    parser.add_argument("--route-concurrency", type=int, help="GATEWAY_ROUTE_CONCURRENCY of `bounded` (default 8)")
    return parser.parse_args()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def seed(url: str, token: str, count: int) -> list[str]:
    """`count` small PDFs, uploaded by an operator, four at a time; their ids."""

    async def run() -> list[str]:
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
            gate = asyncio.Semaphore(4)  # GATEWAY_MAX_UPLOADS_PER_CALLER

            async def one(n: int) -> str:
                async with gate:
                    response = await client.post(
                        "/api/v1/documents",
                        data={"region_code": "32.73", "kind": "readiness_report", "title": f"Laporan {n}"},
                        files={"file": (f"laporan-{n}.pdf", pdf_bytes(f"Laporan {n}"), "application/pdf")},
                    )
                    response.raise_for_status()
                    return str(response.json()["id"])

            return await asyncio.gather(*(one(n) for n in range(count)))

    return asyncio.run(run())


def hammer(url: str, tokens: list[str], connections: int, seconds: float, out: multiprocessing.Queue) -> None:
    """In a process of its own, so that its work does not slow the measuring loop."""

    async def run() -> collections.Counter[str]:
        counts: collections.Counter[str] = collections.Counter()
        stop_at = time.monotonic() + seconds
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:

            async def worker(n: int) -> None:
                headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
                while time.monotonic() < stop_at:
                    try:
                        response = await client.get("/api/v1/documents", params={"limit": 200}, headers=headers)
                        counts[str(response.status_code)] += 1
                    except httpx.HTTPError as exc:
                        counts[type(exc).__name__] += 1

            await asyncio.gather(*(worker(n) for n in range(connections)))
        return counts

    out.put(dict(asyncio.run(run())))


def probe(url: str, token: str, ids: list[str], seconds: float) -> tuple[list[float], int]:
    """The cheap read every 20 ms for `seconds`: latencies in ms, and how many were not 200."""

    async def run() -> tuple[list[float], int]:
        latencies: list[float] = []
        errors = 0
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=60) as client:
            stop_at = time.monotonic() + seconds
            n = 0
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                response = await client.get(f"/api/v1/documents/{ids[n % len(ids)]}")
                latencies.append((time.perf_counter() - started) * 1000)
                errors += response.status_code != 200
                n += 1
                await asyncio.sleep(max(0.0, 0.02 - (time.perf_counter() - started)))
        return latencies, errors

    return asyncio.run(run())


@dataclass
class Result:
    alone: list[float]
    hammered: list[float]
    hammered_errors: int
    hammer: dict[str, int]
    hammer_rps: float

    def row(self, name: str) -> str:
        alone = f"{statistics.median(self.alone):.0f} / {percentile(self.alone, 95):.0f}"
        h = self.hammered
        hammered = f"{statistics.median(h):.0f} / {percentile(h, 95):.0f} / {percentile(h, 99):.0f}"
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(self.hammer.items()))
        errors = f"{self.hammered_errors} of {len(h)}"
        return f"| {name} | {alone} | {hammered} | {errors} | {self.hammer_rps:.0f} | {answers} |"


def measure(url: str, tokens: list[str], ids: list[str], args: argparse.Namespace) -> Result:
    alone, _ = probe(url, tokens[0], ids, args.seconds / 2)
    out: multiprocessing.Queue = multiprocessing.Queue()
    warmup = 3.0
    process = multiprocessing.Process(target=hammer, args=(url, tokens, args.connections, args.seconds + warmup, out))
    process.start()
    time.sleep(warmup)
    hammered, hammered_errors = probe(url, tokens[0], ids, args.seconds)
    counts = out.get(timeout=args.seconds + 120)
    process.join()
    return Result(alone, hammered, hammered_errors, counts, sum(counts.values()) / (args.seconds + warmup))


def main() -> None:
    args = arguments()
    run_id = uuid.uuid4().hex[:8]
    work = WORK / run_id
    work.mkdir(parents=True)
    handle = None
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        server_url, handle = embedded_database(WORK)
    database = f"bench_starvation_{run_id}"
    asyncio.run(admin(server_url, f'CREATE DATABASE "{database}"'))
    key_path = work / "signing-key.pem"
    platform = Platform(database_url=with_database(server_url, database), root=work, log_dir=WORK / "logs")
    platform.env.update(
        {
            "GATEWAY_SIGNING_KEY_PATH": str(key_path),
            "GATEWAY_RATE_LIMITS": GENEROUS,
            "GATEWAY_ACCESS_LOG": "false",
            "DOCUMENTS_STORAGE_DIR": str(work / "documents"),
        }
    )
    try:
        platform.start_all(timeout=120)
        settings = GatewaySettings(signing_key_path=str(key_path))
        tokens = [issue_token(settings, f"ops{n}@bench", "operator", None, 6 * 3600) for n in range(args.subjects)]
        print(f"platform up at {platform.url()}; uploading {args.documents} documents", flush=True)
        ids = seed(platform.url(), tokens[0], args.documents)
        results = {}
        if args.route_concurrency:
            CONFIGURATIONS["bounded"] = {"GATEWAY_ROUTE_CONCURRENCY": str(args.route_concurrency)}
        for name, env in CONFIGURATIONS.items():
            if args.only and name != args.only:
                continue
            platform.stop("gateway")
            for key in ("GATEWAY_ROUTE_CONCURRENCY", "GATEWAY_SERVICE_CONCURRENCY"):
                platform.env.pop(key, None)
            platform.env.update(env)
            platform.start("gateway")
            platform.wait_ready(120)
            print(f"{name}: measuring (load {os.getloadavg()[0]:.2f})", flush=True)
            results[name] = measure(platform.url(), tokens, ids, args)
        print()
        print(f"cheap read GET /documents/{{id}} while {args.connections} connections ({args.subjects} operators)")
        print("ask GET /documents?limit=200 as fast as answered; latencies in ms")
        print()
        print("| gateway | alone p50 / p95 | hammered p50 / p95 / p99 | cheap errors | list req/s | list answers |")
        print("| --- | --- | --- | --- | --- | --- |")
        for name, result in results.items():
            print(result.row(name))
    finally:
        platform.stop_all()
        asyncio.run(admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        shutil.rmtree(work, ignore_errors=True)
        del handle


if __name__ == "__main__":
    main()
