"""What tracing costs the gateway: the same read through the gateway as it was before tracing, with tracing off,
and with tracing on (for information).

    .venv/bin/python bench/tracing_overhead.py [--before REV] [--duration 5] [--rounds 3] [--connections 1,16]

Needs `wrk` (apt-get install wrk) and a PostgreSQL (DATABASE_URL, default the local one with trust auth), as
bench/gateway_overhead.py, whose measuring it reuses: one participants service and three gateways in front of
it, all pinned to CPU 0, wrk on CPU 1, `GET /api/v1/regions?limit=50` with a bearer token, interleaved rounds,
medians. The gateways:

- before: the gateway and the kit of `--before` (default: the commit before tracing came), from `git archive`,
  ahead of this checkout on PYTHONPATH;
- off: this checkout, no OTEL_* variable (as every process runs by default);
- on: this checkout, exporting every span over OTLP/HTTP to a sink on 127.0.0.1 that discards them (the
  service stays untraced, so only the gateway's own cost shows).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token

sys.path.insert(0, str(Path(__file__).parent))
from gateway_overhead import (  # noqa: E402
    BIN,
    PATH,
    REPO,
    SERVER_CPU,
    SHARED_REGIONS,
    admin,
    cpu_seconds,
    free_port,
    run_wrk,
    synthetic_regions,
    wait_ready,
)


def last_without_tracing() -> str:
    """The parent of the commit that brought smartcity_kit/tracing.py."""
    added = subprocess.run(
        ["git", "-C", str(REPO), "log", "--diff-filter=A", "--format=%H", "--", "libs/kit/smartcity_kit/tracing.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return f"{added[-1]}^"


class Sink(BaseHTTPRequestHandler):
    """An OTLP/HTTP receiver that takes every export and keeps nothing."""

    protocol_version = "HTTP/1.1"
    received = 0  # bytes of spans, to show that "on" exported

    def do_POST(self) -> None:  # noqa: N802
        Sink.received += len(self.rfile.read(int(self.headers.get("content-length", 0))))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def checkout(rev: str, into: Path) -> Path:
    """The gateway and kit packages of `rev`, as a PYTHONPATH that shadows this checkout's."""
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "gateway", "libs/kit"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="the revision without tracing (default: the parent of tracing's commit)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (default 5)")
    parser.add_argument("--connections", default="1,16", help="concurrency levels (default 1,16)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians reported (default 3)")
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    database = f"bench_{secrets.token_hex(4)}"
    asyncio.run(admin(server_url, f'CREATE DATABASE "{database}"'))
    database_url = server_url.rsplit("/", 1)[0] + "/" + database
    work = Path(tempfile.mkdtemp(prefix="tracing-bench-"))
    old = checkout(args.before or last_without_tracing(), work / "before")
    sink = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    secret = secrets.token_urlsafe(32)
    service_port = free_port()
    ports = {"before": free_port(), "off": free_port(), "on": free_port()}
    base = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")} | {
        "DATABASE_URL": database_url,
        "SMARTCITY_INTERNAL_SECRET": secret,
        "PARTICIPANTS_PORT": str(service_port),
        "GATEWAY_PARTICIPANTS_URL": f"http://127.0.0.1:{service_port}",
        "GATEWAY_SERVICES": "participants",
        "GATEWAY_SIGNING_KEY_PATH": str(work / "key.pem"),
        "GATEWAY_RATE_LIMITS": "partner=1000000:1000000",
    }
    gateways = {
        "before": {"PYTHONPATH": f"{old / 'gateway'}:{old / 'libs' / 'kit'}"},
        "off": {},
        "on": {
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": f"http://127.0.0.1:{sink.server_address[1]}/v1/traces",
        },
    }
    processes: dict[str, subprocess.Popen[bytes]] = {}
    pinned = ["taskset", "-c", SERVER_CPU]
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    try:
        for name in ("participants", "gateway"):
            subprocess.run([str(BIN / f"{name}-migrate")], env=base, check=True)
        processes["participants"] = subprocess.Popen([*pinned, str(BIN / "participants-serve")], env=base, **quiet)
        wait_ready(f"http://127.0.0.1:{service_port}/readyz")
        for name, extra in gateways.items():
            env = base | extra | {"GATEWAY_PORT": str(ports[name])}
            processes[name] = subprocess.Popen([*pinned, str(BIN / "gateway-serve")], env=env, **quiet)
            wait_ready(f"http://127.0.0.1:{ports[name]}/readyz")
        # the old tree's modules come first (the editable install's finder only fills in what it lacks)
        probe = "import gateway.main, smartcity_kit.logging as k; print(gateway.main.__file__, k.__file__)"
        loaded = subprocess.run([sys.executable, "-c", probe], env=base | gateways["before"], capture_output=True)
        assert all(path.startswith(str(old)) for path in loaded.stdout.decode().split()), loaded

        settings = GatewaySettings(signing_key_path=str(work / "key.pem"))
        token = issue_token(settings, "bench@kominfo", "partner", None, 3600)
        csv = SHARED_REGIONS.read_text() if SHARED_REGIONS.exists() else synthetic_regions()
        operator = issue_token(settings, "ops", "operator", None, 600)
        httpx.post(
            f"http://127.0.0.1:{ports['off']}/api/v1/regions/import",
            content=csv,
            headers={"Authorization": f"Bearer {operator}", "Content-Type": "text/csv"},
            timeout=120,
        ).raise_for_status()
        header = f"Authorization: Bearer {token}"
        results = []
        for connections in (int(c) for c in args.connections.split(",")):
            for port in ports.values():  # warm-up
                run_wrk(f"http://127.0.0.1:{port}{PATH}", header, connections, 2)
            rounds: dict[str, list[dict[str, float]]] = {name: [] for name in ports}
            for _ in range(args.rounds):
                for name, port in ports.items():
                    pid = processes[name].pid  # taskset execs: the pid is the gateway's
                    before = cpu_seconds([pid])
                    figures = run_wrk(f"http://127.0.0.1:{port}{PATH}", header, connections, args.duration)
                    figures["cpu_ms_per_request"] = (cpu_seconds([pid]) - before) * 1000 / figures["requests"]
                    rounds[name].append(figures)
                    print(json.dumps(figures | {"gateway": name, "connections": connections}), flush=True)
            for name, runs in rounds.items():
                median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                results.append(median | {"gateway": name, "connections": connections})
        report(results)
        print(f"\n# on: {Sink.received / 1e6:.1f} MB of spans exported to the sink")
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        sink.shutdown()
        asyncio.run(admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        subprocess.run(["rm", "-rf", str(work)], check=False)


def report(results: list[dict[str, Any]]) -> None:
    print("\n| connections | gateway | req/s | of before | p50 ms | p99 ms | gateway CPU ms/req | of before |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    by = {(r["connections"], r["gateway"]): r for r in results}
    for r in results:
        b = by[(r["connections"], "before")]
        print(
            f"| {r['connections']} | {r['gateway']} | {r['rps']:.0f} | {r['rps'] / b['rps']:.3f} "
            f"| {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cpu_ms_per_request']:.3f} "
            f"| {r['cpu_ms_per_request'] / b['cpu_ms_per_request']:.3f} |"
        )


if __name__ == "__main__":
    main()
