"""`make bench`: the platform under a realistic mix at rising concurrency, measured with locust.

    make bench                                     # steps 1,5,10,25,50,100 users, 30 s each
    make bench BENCH_ARGS="--steps 1,10 --seconds 10"
    .venv/bin/python bench/load/run.py --help

Starts the whole platform (tools/smartcity_dev Platform) on free ports with a database of
its own: `DATABASE_URL`'s server when set, else an embedded PostgreSQL in `.data/bench-load/`
(never the developer's `.data/postgres`). Seeds it through the gateway (bench/load/seed.py),
then runs locust headless once per step (bench/load/locustfile.py) and writes
bench/results/load.md (the table) and bench/results/load.png (the plot). The gateway runs
with rate limits far above what the mix sends (`--rate-limits`), so the figures are the
platform's, not the limiter's refusals. The scratch database and stored files are removed
at the end; the processes' logs stay in `.data/bench-load/logs/`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform as host
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import report
import seed
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from smartcity_dev.platform import Platform, embedded_database

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
WORK = REPO / ".data" / "bench-load"
RESULTS = REPO / "bench" / "results"
SHARED_REGIONS = REPO.parent / "shared" / "data" / "regions" / "regions.csv"
# every role far above what 100 simulated people send; the limiter still runs on every request
TICKS = os.sysconf("SC_CLK_TCK")
RATE_LIMITS = (
    "admin=100000:100000,operator=100000:100000,mentor=100000:100000,region=100000:100000,partner=100000:100000"
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    env = os.environ.get
    parser.add_argument("--steps", default=env("BENCH_STEPS", "1,5,10,25,50,100"), help="users per step (BENCH_STEPS)")
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_STEP_SECONDS", "30")), help="each step's length")
    parser.add_argument(
        "--warmup",
        type=int,
        default=int(env("BENCH_WARMUP", "5")),
        help="seconds each step runs at its users before it measures (all users start within the first second)",
    )
    parser.add_argument("--wait", default=env("BENCH_WAIT", "0.2:1.0"), help="each user's pause between requests, s")
    parser.add_argument("--timeout", type=float, default=30, help="seconds a request may take before it is an error")
    parser.add_argument("--rate-limits", default=env("BENCH_RATE_LIMITS", RATE_LIMITS), help="GATEWAY_RATE_LIMITS")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where load.md and load.png go")
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="DIR",
        help="record every process (locust too) with py-spy during the last step: DIR/<process>.txt, raw format",
    )
    return parser.parse_args()


async def admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def sessions_opened(url: str, database: str) -> int:
    """Sessions PostgreSQL has opened on `database` so far: every connection a pool made."""
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT sessions FROM pg_stat_database WHERE datname = $1", database))
    finally:
        await conn.close()


def with_database(server_url: str, name: str) -> str:
    return urlunsplit(urlsplit(server_url)._replace(path="/" + name))


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (0 once it is gone)."""
    try:
        fields = _stat(pid)
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS


def postgres_cpu_seconds(postmaster: int) -> float:
    """The embedded PostgreSQL's CPU time: the postmaster, its live backends and those already gone."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = _stat(int(entry.name))
            except OSError:
                continue
            if int(entry.name) == postmaster:
                total += sum(int(f) for f in fields[11:15])  # utime, stime, and its reaped children's
            elif int(fields[1]) == postmaster:
                total += int(fields[11]) + int(fields[12])
    return total / TICKS


def backends_cpu_seconds(database: str) -> float:
    """CPU time of the live backends serving `database` on a PostgreSQL of this machine (`DATABASE_URL`'s)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
                if title.startswith(b"postgres: ") and f" {database} ".encode() in title:
                    fields = _stat(int(entry.name))
                    total += int(fields[11]) + int(fields[12])
            except OSError:
                continue
    return total / TICKS


def machine_cpu_seconds() -> float:
    """CPU time every core of the machine spent busy (not idle, not waiting on I/O), whoever used it."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / TICKS


def measure(
    platform: Platform,
    postgresql: Callable[[], float] | None,
    url: str,
    index: int,
    users: int,
    args: argparse.Namespace,
    env: dict[str, str],
    prefix: Path,
) -> report.Step:
    """One step: locust at `users` for `args.warmup` + `args.seconds`, and the CPU each process spent while
    locust measured (from the end of the warm-up, which locustfile.py marks, until locust exits)."""
    readers = {name: partial(cpu_seconds, p.pid) for name, p in platform.processes.items()}
    if postgresql is not None:
        readers["postgresql"] = postgresql
    readers["machine"] = machine_cpu_seconds
    measuring = Path(f"{prefix}_measuring")
    locust = run_locust(url, users, index, args, env, prefix, measuring)
    readers["locust"] = partial(cpu_seconds, locust.pid)
    before, started = {name: read() for name, read in readers.items()}, time.monotonic()
    warm, profilers = False, []
    spent = dict(before)
    while locust.poll() is None:  # the locust process's time is read while it still exists
        spent = {name: read() for name, read in readers.items()}
        if not warm and measuring.exists():
            warm, before, started = True, spent, time.monotonic()
            if args.py_spy and index == len(args.steps.split(",")) - 1:
                pids = {name: p.pid for name, p in platform.processes.items()} | {"locust": locust.pid}
                profilers = py_spy(args.py_spy, pids, args.seconds)
        time.sleep(0.25)
    wall = time.monotonic() - started
    for profiler in profilers:
        profiler.wait()
    step = report.read_locust_csv(prefix, users)
    step.cpu = {name: 100 * (spent[name] - before[name]) / wall for name in readers}
    return step


def py_spy(out: Path, pids: dict[str, int], seconds: int) -> list[subprocess.Popen]:
    """py-spy on each process while the step measures (less its last second), without pausing it."""
    out.mkdir(parents=True, exist_ok=True)
    spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--format", "raw", "--nolineno", "--nonblocking"]
    spy += ["--rate", "50", "--duration", str(max(1, seconds - 1))]
    return [
        subprocess.Popen([*spy, "-o", str(out / f"{name}.txt"), "--pid", str(pid)], stdout=subprocess.DEVNULL)
        for name, pid in pids.items()
    ]


def run_locust(
    url: str, users: int, index: int, args: argparse.Namespace, env: dict[str, str], prefix: Path, measuring: Path
) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f", str(HERE / "locustfile.py"),
        "--headless", "--only-summary", "--reset-stats",
        "--host", url,
        "--users", str(users),
        "--spawn-rate", str(users),  # all within the first second; the stats restart once they are
        "--run-time", f"{args.warmup + args.seconds}s",
        "--stop-timeout", str(int(args.timeout)),  # in-flight requests finish and count
        "--csv", str(prefix),
        "--loglevel", "WARNING",
    ]  # fmt: skip
    step_env = {
        **env,
        "BENCH_LOAD_STEP": str(index),
        "BENCH_LOAD_WAIT": args.wait,
        "BENCH_LOAD_TIMEOUT": str(args.timeout),
        "BENCH_LOAD_TIMES": f"{prefix}_times.csv",
        "BENCH_LOAD_WARMUP": str(args.warmup),
        "BENCH_LOAD_MEASURING": str(measuring),
    }
    with open(f"{prefix}.log", "wb") as log:
        return subprocess.Popen(command, env=step_env, stdout=log, stderr=subprocess.STDOUT)


def main() -> None:
    args = arguments()
    steps = [int(n) for n in args.steps.split(",")]
    run_id = uuid.uuid4().hex[:8]
    work = WORK / run_id
    shutil.rmtree(WORK / "logs", ignore_errors=True)
    work.mkdir(parents=True)
    handle = None
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        server_url, handle = embedded_database(WORK)
    database = f"bench_load_{run_id}"
    asyncio.run(admin(server_url, f'CREATE DATABASE "{database}"'))
    key_path = work / "signing-key.pem"
    platform = Platform(database_url=with_database(server_url, database), root=work, log_dir=WORK / "logs")
    platform.env.update(
        {
            "GATEWAY_SIGNING_KEY_PATH": str(key_path),
            "GATEWAY_RATE_LIMITS": args.rate_limits,
            "DOCUMENTS_STORAGE_DIR": str(work / "documents"),
        }
    )
    started = datetime.now(UTC)
    try:
        platform.start_all(timeout=120)
        url = platform.url()
        settings = GatewaySettings(signing_key_path=str(key_path))

        def token(role: str, region: str | None = None) -> str:
            return issue_token(settings, f"{role}-seed@bench", role, region, 6 * 3600)

        print(f"platform up at {url}; seeding through the gateway", flush=True)
        seeded = seed.seed(url, token, SHARED_REGIONS, log=lambda line: print("  " + line, flush=True))
        (work / "seed.json").write_text(json.dumps(seeded))
        env = {**os.environ, "BENCH_LOAD_SEED": str(work / "seed.json"), "GATEWAY_SIGNING_KEY_PATH": str(key_path)}
        pid_file = WORK / "postgres" / "postmaster.pid"
        postgresql = None
        if handle is not None and pid_file.exists():
            postgresql = partial(postgres_cpu_seconds, int(pid_file.read_text().split()[0]))
        elif urlsplit(server_url).hostname in ("127.0.0.1", "localhost", "::1", None):
            postgresql = partial(backends_cpu_seconds, database)
        results = []
        for index, users in enumerate(steps):
            load = os.getloadavg()[0]
            print(f"step {index + 1}/{len(steps)}: {users} users for {args.seconds} s (load {load:.2f})", flush=True)
            sessions = asyncio.run(sessions_opened(server_url, database))
            step = measure(platform, postgresql, url, index, users, args, env, work / f"step_{index}")
            step.load_before = load
            step.sessions = asyncio.run(sessions_opened(server_url, database)) - sessions
            results.append(step)
            print(
                f"  {step.rps:.1f} req/s, p50 {step.p50:.0f} ms, p95 {step.p95:.0f} ms, p99 {step.p99:.0f} ms,"
                f" {step.failures} errors of {step.requests}",
                flush=True,
            )
        write_results(results, args, seeded, started)
    finally:
        platform.stop_all()
        asyncio.run(admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        shutil.rmtree(work, ignore_errors=True)
        del handle


def write_results(results: list[report.Step], args: argparse.Namespace, seeded: dict, started: datetime) -> None:
    args.results.mkdir(parents=True, exist_ok=True)
    cpus = os.cpu_count()
    mix = "partners read, regions upload, operators write" + (
        "" if seeded["participants"] else " (no participants or tracks: the participants service does not serve them)"
    )
    notes = [
        f"Measured {started:%Y-%m-%d %H:%M} UTC on {host.node()} ({cpus} CPUs, {host.python_implementation()}"
        f" {host.python_version()}); the platform, PostgreSQL and locust share the machine.",
        f"Mix: {mix}; users 6:3:1 partners:regions:operators, each pausing {args.wait.replace(':', '-')} s"
        f" between requests; {args.seconds} s per step; a request over {args.timeout:.0f} s counts as an error.",
        f"Seed: {len(seeded['regions'])} kabupaten/kota, {len(seeded['participating'])} taking part,"
        f" {len(seeded['participants'])} participants, {len(seeded['tracks'])} tracks,"
        f" {len(seeded['mentors'])} mentors, uploads are PDFs of 200 KiB to 2 MiB.",
        f"The gateway ran with GATEWAY_RATE_LIMITS={args.rate_limits}"
        + (
            " (100000 requests/s for every role, far above the mix: no 429s by design)."
            if args.rate_limits == RATE_LIMITS
            else "."
        ),
        "Latencies are locust's (rounded to 2 significant digits above 100 ms); the load average is the"
        " machine's 1-minute figure as each step began, other people's work included.",
    ]
    title = "Load through the gateway (bench/load/run.py)"
    (args.results / "load.md").write_text(report.markdown(results, title, notes))
    report.plot(results, args.results / "load.png", f"{title}, {started:%Y-%m-%d %H:%M} UTC, {cpus} CPUs")
    print(f"wrote {args.results / 'load.md'} and {args.results / 'load.png'}", flush=True)


if __name__ == "__main__":
    main()
