"""What the request path costs: one read from a minimal app, the service, the gateway and nginx.

    .venv/bin/python bench/gateway_overhead.py [--duration 5] [--rounds 3] [--connections 1,16] [--baseline DIR]
                                               [--gateway NAME=DIR ...] [--profile DIR]

Needs `wrk` and `nginx` (Debian: apt-get install wrk nginx-light) and a PostgreSQL
(DATABASE_URL, default the local one with trust auth). It makes a scratch
database, imports the regions, starts the participants service, the gateway,
nginx (keep-alive upstream) and the minimal reference app of bench/minimal_app.py
(a Starlette route, an asyncpg pool, the service's SQL, orjson bytes, uvicorn
with httptools) with the servers and the proxy pinned to CPU 0 and wrk to CPU 1,
and reports for each target and concurrency (the median of interleaved rounds):
requests per second, p50/p99 latency, and CPU time per request of the service
and of the proxy (from /proc, user + system), each also as a ratio to the
minimal app in the same round, so that the ratios mean the same on any machine.
The read is `GET /api/v1/regions?limit=50` (about 9 KB of JSON from the
database); the minimal app must answer the same JSON document as the service.
Direct and nginx calls carry an identity header signed with the internal
secret, as the gateway would send. The machine should be otherwise idle: other
work on CPU 0 shows up as noise in every figure, less so in the ratios. With
`--baseline DIR` (a copy of another commit's tree: `git archive main | tar -x -C DIR`)
that commit's participants service is measured straight too, and that commit's
gateway in front of this commit's service, in the same rounds, so a change's
before and after sit beside the minimal app in one run. `--gateway NAME=DIR` (repeatable) adds another tree's
gateway in front of this commit's service, as `gateway (NAME)`: variants of one change side by side. With
`--profile DIR` the gateway is profiled after the rounds (py-spy, raw collapsed stacks, per concurrency, into
DIR) and the functions most often on its stacks are printed (`.venv/bin/uv pip install py-spy`: not in the locks).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import asyncpg
import httpx
from gateway.settings import Settings as GatewaySettings
from gateway.token_cli import issue_token
from smartcity_kit.identity import Caller, sign_identity

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARED_REGIONS = REPO.parent / "shared" / "data" / "regions" / "regions.csv"
PATH = "/api/v1/regions?limit=50"
SERVER_CPU, CLIENT_CPU = "0", "1"
TICKS = os.sysconf("SC_CLK_TCK")

NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/nginx-access.log combined buffer=64k;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream participants {{ server 127.0.0.1:{upstream}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://participants;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
        }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def synthetic_regions() -> str:
    rows = ["code,name,level,kind,province_code,province_name", "32,Jawa Barat,province,provinsi,,"]
    rows += [f"32.{n:02d},Kabupaten Contoh {n},regency_city,kabupaten,32,Jawa Barat" for n in range(1, 61)]
    return "\n".join(rows) + "\n"


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(url)


def to_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, header: str, connections: int, duration: int) -> dict[str, float]:
    command = ["taskset", "-c", CLIENT_CPU, "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency"]
    output = subprocess.run([*command, "-H", header, url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output)[1])
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx[1]} answers were not 2xx:\n{output}")
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p50_ms": to_ms(re.search(r"50%\s+([\d.]+\w+)", output)[1]),
        "p99_ms": to_ms(re.search(r"99%\s+([\d.]+\w+)", output)[1]),
    }


def profile(url: str, header: str, connections: int, pid: int, duration: int, out: Path) -> None:
    """py-spy's raw collapsed stacks of `pid` while wrk reads `url` for `duration` seconds, then its top entries."""
    from hot_reads import top_entries  # imports this module: not at the top

    load = threading.Thread(target=run_wrk, args=(url, header, connections, duration + 2))
    load.start()
    command = ["taskset", "-c", CLIENT_CPU, str(BIN / "py-spy"), "record", "--format", "raw", "--nonblocking"]
    command += ["--rate", "250", "--duration", str(duration), "--pid", str(pid), "--output", str(out)]
    subprocess.run(command, check=True, capture_output=True)  # on wrk's core: the profiled one stays the gateway's
    load.join()
    own, inclusive = top_entries(out, 20)
    print(f"\n{out.name}, own time:\n" + "\n".join(f"  {p:5.1f}%  {f}" for f, p in own))
    print(f"{out.name}, including callees:\n" + "\n".join(f"  {p:5.1f}%  {f}" for f, p in inclusive), flush=True)


async def admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=5, help="seconds per run (default 5)")
    parser.add_argument("--connections", default="1,16", help="concurrency levels (default 1,16)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians reported (default 3)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="a source tree of the repository (e.g. `git archive main | tar -x -C DIR`): its participants service "
        "is measured too, as `direct (baseline)`, in the same rounds",
    )
    parser.add_argument(
        "--gateway",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="another source tree's gateway in front of this commit's service, as `gateway (NAME)` (repeatable)",
    )
    parser.add_argument("--profile", type=Path, help="then profile the gateway with py-spy, stacks into this folder")
    args = parser.parse_args()
    for tool in ("wrk", "nginx", "taskset"):
        if not shutil.which(tool) and not Path(f"/usr/sbin/{tool}").exists():
            sys.exit(f"{tool} is not installed (apt-get install wrk nginx-light util-linux)")

    server_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    database = f"bench_{secrets.token_hex(4)}"
    asyncio.run(admin(server_url, f'CREATE DATABASE "{database}"'))
    database_url = server_url.rsplit("/", 1)[0] + "/" + database
    work = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    secret = secrets.token_urlsafe(32)
    ports = {"participants": free_port(), "gateway": free_port(), "nginx": free_port(), "minimal": free_port()}
    ports["baseline"] = free_port()
    ports["gateway_baseline"] = free_port()
    variants = dict(spec.split("=", 1) for spec in args.gateway)
    for name in variants:
        ports[f"gateway_{name}"] = free_port()
    env = dict(os.environ) | {
        "DATABASE_URL": database_url,
        "SMARTCITY_INTERNAL_SECRET": secret,
        "PARTICIPANTS_PORT": str(ports["participants"]),
        "GATEWAY_PORT": str(ports["gateway"]),
        "GATEWAY_PARTICIPANTS_URL": f"http://127.0.0.1:{ports['participants']}",
        "GATEWAY_SERVICES": "participants",
        "GATEWAY_SIGNING_KEY_PATH": str(work / "key.pem"),
        "GATEWAY_RATE_LIMITS": "partner=1000000:1000000",  # the bucket is still taken on every request
    }
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name in ("participants", "gateway"):
            subprocess.run([str(BIN / f"{name}-migrate")], env=env, check=True)
        pinned = ["taskset", "-c", SERVER_CPU]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        processes["participants"] = subprocess.Popen([*pinned, str(BIN / "participants-serve")], env=env, **quiet)
        wait_ready(f"http://127.0.0.1:{ports['participants']}/readyz")
        processes["gateway"] = subprocess.Popen([*pinned, str(BIN / "gateway-serve")], env=env, **quiet)
        # ready before any other gateway starts: the first one makes the signing key, the others read it
        wait_ready(f"http://127.0.0.1:{ports['gateway']}/readyz")
        if args.baseline:
            # the same console script, importing the baseline's packages first: PYTHONPATH precedes site-packages
            tree = args.baseline.resolve()
            packages = [tree / "libs" / "kit", tree / "libs" / "vocabulary", tree / "services" / "participants"]
            baseline_env = env | {"PARTICIPANTS_PORT": str(ports["baseline"])}
            baseline_env["PYTHONPATH"] = os.pathsep.join(str(path) for path in packages)
            serve = [*pinned, str(BIN / "participants-serve")]
            processes["baseline"] = subprocess.Popen(serve, env=baseline_env, **quiet)
            wait_ready(f"http://127.0.0.1:{ports['baseline']}/readyz")
            # and that commit's gateway, in front of this commit's service
            gateway_env = env | {"GATEWAY_PORT": str(ports["gateway_baseline"])}
            gateway_env["PYTHONPATH"] = os.pathsep.join(str(path) for path in [tree / "gateway", *packages[:2]])
            serve = [*pinned, str(BIN / "gateway-serve")]
            processes["gateway_baseline"] = subprocess.Popen(serve, env=gateway_env, **quiet)
            wait_ready(f"http://127.0.0.1:{ports['gateway_baseline']}/readyz")
        for name, tree in variants.items():
            root = Path(tree).resolve()
            variant_env = env | {"GATEWAY_PORT": str(ports[f"gateway_{name}"])}
            variant_env["PYTHONPATH"] = os.pathsep.join(
                str(root / sub) for sub in ("gateway", "libs/kit", "libs/vocabulary")
            )
            serve = [*pinned, str(BIN / "gateway-serve")]
            processes[f"gateway_{name}"] = subprocess.Popen(serve, env=variant_env, **quiet)
            wait_ready(f"http://127.0.0.1:{ports[f'gateway_{name}']}/readyz")
        minimal = [sys.executable, str(REPO / "bench" / "minimal_app.py"), "--port", str(ports["minimal"])]
        processes["minimal"] = subprocess.Popen([*pinned, *minimal], env=env, **quiet)
        wait_ready(f"http://127.0.0.1:{ports['minimal']}/healthz")
        for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (work / sub).mkdir()
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=work, upstream=ports["participants"], port=ports["nginx"]))
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        processes["nginx"] = subprocess.Popen([*pinned, nginx, "-c", str(conf), "-e", str(work / "nginx-error.log")])
        wait_ready(f"http://127.0.0.1:{ports['nginx']}/healthz")

        settings = GatewaySettings(signing_key_path=str(work / "key.pem"))
        token = issue_token(settings, "bench@kominfo", "partner", None, 3600)
        identity = sign_identity(Caller(subject="bench@kominfo", role="partner"), secret, ttl=3600)
        csv = SHARED_REGIONS.read_text() if SHARED_REGIONS.exists() else synthetic_regions()
        response = httpx.post(
            f"http://127.0.0.1:{ports['gateway']}/api/v1/regions/import",
            content=csv,
            headers={
                "Authorization": f"Bearer {issue_token(settings, 'ops', 'operator', None, 600)}",
                "Content-Type": "text/csv",
            },
            timeout=120,
        )
        response.raise_for_status()
        sample = httpx.get(f"http://127.0.0.1:{ports['gateway']}{PATH}", headers={"Authorization": f"Bearer {token}"})
        print(f"# GET {PATH}: {len(sample.json()['items'])} regions, {len(sample.content)} bytes", flush=True)
        reference = httpx.get(f"http://127.0.0.1:{ports['minimal']}{PATH}")
        if reference.json() != sample.json():
            sys.exit(f"the minimal app's answer differs from the service's:\n{reference.text}\n{sample.text}")

        # target: (port, header, the server that does the work, the proxy in front of it)
        targets: dict[str, tuple[int, str, str, str | None]] = {
            "minimal": (ports["minimal"], f"X-Smartcity-Identity: {identity}", "minimal", None),
            "direct": (ports["participants"], f"X-Smartcity-Identity: {identity}", "participants", None),
            "gateway": (ports["gateway"], f"Authorization: Bearer {token}", "participants", "gateway"),
            "nginx": (ports["nginx"], f"X-Smartcity-Identity: {identity}", "participants", "nginx"),
        }
        if args.baseline:
            baseline = ports["baseline"], f"X-Smartcity-Identity: {identity}", "baseline", None
            targets = {"minimal": targets.pop("minimal"), "direct (baseline)": baseline} | targets
            bearer = f"Authorization: Bearer {token}"
            targets["gateway (baseline)"] = ports["gateway_baseline"], bearer, "participants", "gateway_baseline"
        for name in variants:
            bearer = f"Authorization: Bearer {token}"
            targets[f"gateway ({name})"] = ports[f"gateway_{name}"], bearer, "participants", f"gateway_{name}"
        results = []
        for connections in (int(c) for c in args.connections.split(",")):
            for port, header, _, _ in targets.values():  # warm-up: pools filled, caches hot
                run_wrk(f"http://127.0.0.1:{port}{PATH}", header, connections, 2)
            # rounds interleave the targets so that a neighbour's load hits them all alike; the median counts
            rounds: dict[str, list[dict]] = {target: [] for target in targets}
            for _ in range(args.rounds):
                for target, (port, header, server, proxy) in targets.items():
                    measured = {"service": server} | ({"proxy": proxy} if proxy else {})
                    # taskset execs, so the pid is the server's; nginx's worker is its master's child
                    pids = {role: [processes[n].pid, *children(processes[n].pid)] for role, n in measured.items()}
                    before = {role: cpu_seconds(p) for role, p in pids.items()}
                    figures = run_wrk(f"http://127.0.0.1:{port}{PATH}", header, connections, args.duration)
                    for role, p in pids.items():
                        spent = cpu_seconds(p) - before[role]
                        figures[f"cpu_ms_{role}"] = spent * 1000 / figures["requests"]
                    rounds[target].append(figures)
                    print(json.dumps(figures | {"target": target, "connections": connections}), flush=True)
            for target, runs in rounds.items():
                # each round's figures over the minimal app's of the same round, then the median of those ratios
                ratios = {
                    "rps_x_minimal": [r["rps"] / m["rps"] for r, m in zip(runs, rounds["minimal"], strict=True)],
                    "cpu_x_minimal": [
                        r["cpu_ms_service"] / m["cpu_ms_service"] for r, m in zip(runs, rounds["minimal"], strict=True)
                    ],
                }
                median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
                median |= {key: statistics.median(values) for key, values in ratios.items()}
                results.append(median | {"target": target, "connections": connections, "rounds": len(runs)})
        report(results)
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for connections in (int(c) for c in args.connections.split(",")):
                for port, header, _, proxy in targets.values():
                    if proxy is None or not proxy.startswith("gateway"):
                        continue
                    out = args.profile / f"{proxy}-{connections}.txt"
                    url = f"http://127.0.0.1:{port}{PATH}"
                    profile(url, header, connections, processes[proxy].pid, args.duration * 2, out)
    finally:
        for process in processes.values():
            process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        asyncio.run(admin(server_url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        shutil.rmtree(work, ignore_errors=True)


def report(results: list[dict]) -> None:
    columns = ["connections", "target", "req/s", "x minimal", "% of direct", "p50 ms", "p99 ms", "added p50 ms"]
    columns += ["CPU ms/req service", "x minimal", "CPU ms/req proxy"]
    print("\n| " + " | ".join(columns) + " |")
    print("|" + " --- |" * len(columns))
    by = {(r["connections"], r["target"]): r for r in results}
    for r in results:
        direct = by[(r["connections"], "direct")]
        proxy_cpu = r.get("cpu_ms_proxy")
        print(
            f"| {r['connections']} | {r['target']} | {r['rps']:.0f} | {r['rps_x_minimal']:.2f} "
            f"| {100 * r['rps'] / direct['rps']:.0f}% | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {r['p50_ms'] - direct['p50_ms']:+.2f} | {r['cpu_ms_service']:.3f} | {r['cpu_x_minimal']:.2f} "
            f"| {'' if proxy_cpu is None else f'{proxy_cpu:.3f}'} |"
        )


if __name__ == "__main__":
    main()
