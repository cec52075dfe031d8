"""CPU per request of the platform's hot reads, straight at each service, beside the minimal app.

    .venv/bin/python bench/hot_reads.py [--duration 5] [--rounds 3] [--profile DIR] [--baseline DIR]

Starts the participants, mentoring and documents services and the gateway on a
scratch database (tools/smartcity_dev Platform), seeds them through the gateway
as `make bench` does (bench/load/seed.py: the regions, a phase's participants,
their tracks, one PDF per taking-part region), starts the minimal reference app
of bench/minimal_app.py, pins every server to CPU 0 and wrk to CPU 1, then reads
each of these at one connection, straight at its service with a partner's
signed identity header, as the gateway sends it:

- regions: `GET /api/v1/regions?limit=50` (participants; the reference read)
- participant: `GET /api/v1/participants/{id}` (participants)
- track: `GET /api/v1/tracks/{id}` (mentoring)
- document: `GET /api/v1/documents/{id}`, the metadata (documents)
- feed: `GET /api/v1/events/participants?limit=100`, a page of 100 events (participants)
- download: `GET /api/v1/documents/{id}/content`, a 1 MiB PDF (documents)

For each it reports (the median of interleaved rounds) requests per second and
the service's CPU per request from /proc (user + system), and both as ratios to
the minimal app measured in the same round. With `--profile DIR`, py-spy
samples each service under the same load once more after the rounds (raw
collapsed stacks in DIR/<read>.txt) and prints the functions holding the most
samples, by own time and including callees. With `--baseline DIR` (a copy of
another commit's tree: `git archive main | tar -x -C DIR`) each service of that
commit runs beside (same database and files) and every read is measured at it
too, as `<read> (baseline)`, in the same rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import httpx
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from gateway_overhead import BIN, REPO, SERVER_CPU, SHARED_REGIONS, admin, cpu_seconds, run_wrk, wait_ready
from smartcity_dev.platform import Platform, free_port
from smartcity_kit.identity import Caller, sign_identity

sys.path.insert(0, str(REPO / "bench" / "load"))
import seed  # noqa: E402  (bench/load is no package)

SERVICES = ["participants", "mentoring", "documents"]
MIB = 1024 * 1024


def reads(seeded: dict, documents: dict[str, int]) -> dict[str, tuple[str, str]]:
    """read name -> (service, path)."""
    participant = next(iter(seeded["participants"].values()))
    metadata = seeded["documents"][seeded["participating"][0]][0]
    download = min(documents, key=lambda doc: abs(documents[doc] - MIB))  # make_pdf's sizes are near, not exact
    return {
        "regions": ("participants", "/api/v1/regions?limit=50"),
        "participant": ("participants", f"/api/v1/participants/{participant}"),
        "track": ("mentoring", f"/api/v1/tracks/{seeded['tracks'][0]}"),
        "document": ("documents", f"/api/v1/documents/{metadata}"),
        "feed": ("participants", "/api/v1/events/participants?limit=100"),
        "download": ("documents", f"/api/v1/documents/{download}/content"),
    }


def pin(pid: int) -> None:
    subprocess.run(["taskset", "-a", "-p", "-c", SERVER_CPU, str(pid)], check=True, capture_output=True)


def measure(url: str, header: str, pid: int, duration: int) -> dict[str, float]:
    before = cpu_seconds([pid])
    figures = run_wrk(url, header, 1, duration)
    figures["cpu_ms"] = (cpu_seconds([pid]) - before) * 1000 / figures["requests"]
    return figures


def profile(url: str, header: str, pid: int, duration: int, out: Path) -> None:
    """py-spy's raw collapsed stacks of `pid` while wrk reads `url` for `duration` seconds."""
    load = threading.Thread(target=run_wrk, args=(url, header, 1, duration + 2))
    load.start()
    command = [str(BIN / "py-spy"), "record", "--format", "raw", "--nonblocking", "--rate", "250"]
    command += ["--duration", str(duration), "--pid", str(pid), "--output", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    load.join()


FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?):\d+\)$")
# the frames every request runs inside (the process, the loop, uvicorn): their share says nothing
OUTER = ("<module>", "main", "run", "serve", "asyncio_run", "Runner.run", "Server.run", "Server.serve")


def frame_name(frame: str) -> str:
    match = FRAME.match(frame)
    return f"{match['function']} ({match['path'].rsplit('/', 1)[-1]})" if match else frame


def top_entries(collapsed: Path, count: int = 12) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """(own, inclusive): the functions with the largest share of samples (inclusive: below the outer frames)."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    pending = ""  # a frame's text may span lines (SQLAlchemy's generated functions): a stack ends with its count
    for line in collapsed.read_text().splitlines():
        stack, _, samples = (pending + line).rpartition(" ")
        if not samples.isdigit():
            pending += line + " "
            continue
        pending = ""
        frames = [frame_name(f) for f in stack.split(";")]
        n = int(samples)
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            if frame.split(" (")[0] not in OUTER:
                inclusive[frame] += n
    return [(f, 100 * n / total) for f, n in own.most_common(count)], [
        (f, 100 * n / total) for f, n in inclusive.most_common(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians reported (default 3)")
    parser.add_argument("--only", help="comma-separated reads to run (default all)")
    parser.add_argument("--profile", type=Path, help="also profile each read with py-spy, stacks into this folder")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--baseline", type=Path, help="another commit's source tree, measured beside this one")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")

    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    database = f"bench_{secrets.token_hex(4)}"
    asyncio.run(admin(server_url, f'CREATE DATABASE "{database}"'))
    work = Path(tempfile.mkdtemp(prefix="hot-reads-"))
    platform = Platform(
        database_url=server_url.rsplit("/", 1)[0] + "/" + database, root=work, services=SERVICES, log_dir=work / "logs"
    )
    platform.env.update({"GATEWAY_RATE_LIMITS": "operator=100000:100000,region=100000:100000,partner=100000:100000"})
    minimal = None
    try:
        platform.start_all(timeout=120)
        settings = GatewaySettings(signing_key_path=platform.environ()["GATEWAY_SIGNING_KEY_PATH"])

        def token(role: str, region: str | None = None) -> str:
            return issue_token(settings, f"{role}-seed@bench", role, region, 3600)

        seeded = seed.seed(platform.url(), token, SHARED_REGIONS, log=lambda line: print("# " + line, flush=True))
        port = free_port()
        minimal_app = [sys.executable, str(REPO / "bench" / "minimal_app.py"), "--port", str(port)]
        environ = platform.environ()
        minimal = subprocess.Popen(minimal_app, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(f"http://127.0.0.1:{port}/healthz")
        urls = {service: platform.url(service) for service in SERVICES}
        pids = {service: platform.processes[service].pid for service in SERVICES}
        if args.baseline:
            tree = args.baseline.resolve()
            packages = [tree / "libs" / "kit", tree / "libs" / "vocabulary", *(tree / "services" / s for s in SERVICES)]
            platform.env["PYTHONPATH"] = os.pathsep.join(str(path) for path in packages)  # before site-packages
            for service in SERVICES:
                baseline_port = free_port()
                process = platform.start(service, replica=f"{service} (baseline)", port=baseline_port)
                urls[f"{service} (baseline)"] = f"http://127.0.0.1:{baseline_port}"
                pids[f"{service} (baseline)"] = process.pid
                platform.wait_ready(url=urls[f"{service} (baseline)"])
            del platform.env["PYTHONPATH"]
        for pid in [minimal.pid, *pids.values()]:
            pin(pid)
        header = "X-Smartcity-Identity: " + sign_identity(
            Caller(subject="bench@kominfo", role="partner"), platform.internal_secret, ttl=3600
        )
        sizes = {}
        for ids in seeded["documents"].values():
            meta = httpx.get(platform.url("documents") + f"/api/v1/documents/{ids[0]}", headers=[header.split(": ")])
            sizes[ids[0]] = meta.raise_for_status().json()["size"]
        targets = {}
        for name, (service, path) in reads(seeded, sizes).items():
            if args.baseline:
                targets[f"{name} (baseline)"] = (urls[f"{service} (baseline)"] + path, pids[f"{service} (baseline)"])
            targets[name] = (urls[service] + path, pids[service])
        targets = {"minimal": (f"http://127.0.0.1:{port}/api/v1/regions?limit=50", minimal.pid)} | {
            name: target
            for name, target in targets.items()
            if not args.only or name.removesuffix(" (baseline)") in args.only.split(",")
        }
        for name, (url, _) in targets.items():
            answer = httpx.get(url, headers=[header.split(": ")])
            print(f"# {name}: GET {url} -> {answer.status_code}, {len(answer.content)} bytes", flush=True)
            answer.raise_for_status()
            run_wrk(url, header, 1, 2)  # warm-up
        rounds: dict[str, list[dict]] = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (url, pid) in targets.items():
                figures = measure(url, header, pid, args.duration)
                rounds[name].append(figures)
                print(json.dumps(figures | {"read": name}), flush=True)
        results = []
        for name, runs in rounds.items():
            reference = rounds["minimal"]
            median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
            median["rps_x_minimal"] = statistics.median(
                r["rps"] / m["rps"] for r, m in zip(runs, reference, strict=True)
            )
            median["cpu_x_minimal"] = statistics.median(
                r["cpu_ms"] / m["cpu_ms"] for r, m in zip(runs, reference, strict=True)
            )
            results.append(median | {"read": name})
        report(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for name, (url, pid) in targets.items():
                profile(url, header, pid, args.duration * 2, args.profile / f"{name}.txt")
                own, inclusive = top_entries(args.profile / f"{name}.txt")
                print(f"\n{name}, own time:\n" + "\n".join(f"  {p:5.1f}%  {f}" for f, p in own))
                print(f"{name}, including callees:\n" + "\n".join(f"  {p:5.1f}%  {f}" for f, p in inclusive))
    finally:
        if minimal is not None:
            minimal.terminate()
            minimal.wait(20)
        platform.stop_all()
        asyncio.run(admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict]) -> None:
    print("\n| read | req/s | x minimal | p50 ms | CPU ms/req | x minimal |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        print(
            f"| {r['read']} | {r['rps']:.0f} | {r['rps_x_minimal']:.2f} | {r['p50_ms']:.2f} "
            f"| {r['cpu_ms']:.3f} | {r['cpu_x_minimal']:.2f} |"
        )


if __name__ == "__main__":
    main()
