"""The gateway's HTTP client, chosen by measurement: each candidate proxies the same read, side by side in one run.

    .venv/bin/python bench/gateway_http_clients.py [--seconds 5] [--rounds 3] [--clients aiohttp,httpx,...]

Needs `nginx` (Debian: apt-get install nginx-light). nginx serves a static JSON body the size of the
reference read (`GET /api/v1/regions?limit=50`, about 14 KB) on CPU 1; each client, in a process of its own
pinned to CPU 0 with uvloop (as the gateway runs), sends one request after another for `--seconds` over one
kept-alive connection, with the headers the gateway sends a service (a signed identity, the request id,
X-Forwarded-For, Accept), and reads the answer as the proxy does: status, the header list, the body as it
streams. Reported per client, the median of interleaved rounds: requests per second and CPU per request of
the client's process (user + system from /proc, every thread: a client that works in threads of its own pays
for them here). Candidates not installed are skipped (they are not the project's dependencies: install one by
hand to measure it, e.g. `.venv/bin/uv pip install pyreqwest`). `raw` is not a candidate: a hand-written
asyncio protocol with httptools' parser, what the work costs with no library around it (the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

CLIENT_CPU, SERVER_CPU = "0", "1"
TICKS = os.sysconf("SC_CLK_TCK")
CANDIDATES = {  # name: the module it needs
    "aiohttp": "aiohttp",
    "httpx": "httpx",
    "aiosonic": "aiosonic",
    "pyreqwest": "pyreqwest",
    "niquests": "niquests",
    "curl_cffi": "curl_cffi",
    "raw": "httptools",
}
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        default_type application/json;
        location / {{ root {dir}; try_files /regions.json =404; }}
    }}
}}
"""
# what the gateway sends a service with a read (forward() in gateway/proxy.py), the identity a signed token's length
HEADERS = [
    ("accept", "application/json"),
    ("user-agent", "wrk"),
    ("x-smartcity-identity", "e" * 280),
    ("x-request-id", "0123456789abcdef0123456789abcdef"),
    ("x-forwarded-for", "127.0.0.1"),
]
PATH = "/api/v1/regions?limit=50"


def body_like_the_reference_read() -> bytes:
    items = [
        {
            "code": f"32.{n:02d}",
            "name": f"Kabupaten Contoh {n}",
            "level": "regency_city",
            "kind": "kabupaten",
            "province_code": "32",
            "province_name": "Jawa Barat",
            "population": 1_234_567 + n,
            "area_km2": 1234.5 + n,
            "created_at": "2026-11-28T10:00:00Z",
            "updated_at": "2026-11-28T10:00:00Z",
        }
        for n in range(50)
    ]
    return json.dumps({"items": items, "next_cursor": "MzIuNTA"}).encode()


# one request each, read as the proxy reads it: status, headers, the body chunk by chunk; returns the body's size


async def aiohttp_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    import aiohttp
    from yarl import URL

    session = aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=10, keepalive_timeout=30),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=None, connect=2, sock_read=60),
        auto_decompress=False,
        skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
    )
    url = URL(base + PATH, encoded=True)

    async def one() -> int:
        response = await session.request("GET", url, headers=HEADERS, allow_redirects=False)
        try:
            _ = response.status, [(k.lower(), v) for k, v in response.raw_headers]
            return sum([len(chunk) async for chunk in response.content.iter_any()])
        finally:
            response.release()

    return one, session.close


async def httpx_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    import httpx

    client = httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60, connect=2))

    async def one() -> int:
        async with client.stream("GET", PATH, headers=HEADERS) as response:
            _ = response.status_code, response.headers.raw
            return sum([len(chunk) async for chunk in response.aiter_raw()])

    return one, client.aclose


async def aiosonic_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    import aiosonic

    client = aiosonic.HTTPClient()
    url, headers = base + PATH, dict(HEADERS)

    async def one() -> int:
        response = await client.request(url, "GET", headers=headers, stream=True)
        _ = response.status_code, response.headers
        return sum([len(chunk) async for chunk in response.read_chunks()])

    async def close() -> None:
        await client.connector.cleanup()

    return one, close


async def pyreqwest_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    from pyreqwest.client import ClientBuilder

    client = ClientBuilder().default_cookie_store(False).follow_redirects(False).build()
    url = base + PATH

    async def one() -> int:
        async with client.request("GET", url).headers(HEADERS).build_streamed() as response:
            _ = response.status, list(response.headers.items())
            reader, size = response.body_reader, 0
            while (chunk := await reader.read_chunk()) is not None:
                size += len(chunk)
            return size

    return one, client.close


async def niquests_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    import niquests

    session = niquests.AsyncSession(disable_http2=True, disable_http3=True)
    url, headers = base + PATH, dict(HEADERS)

    async def one() -> int:
        response = await session.get(url, headers=headers, stream=True, allow_redirects=False)
        _ = response.status_code, response.headers
        size = sum([len(chunk) async for chunk in await response.iter_raw()])
        await response.close()
        return size

    return one, session.close


async def curl_cffi_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    from curl_cffi.requests import AsyncSession

    session = AsyncSession()
    url, headers = base + PATH, dict(HEADERS)

    async def one() -> int:
        response = await session.request("GET", url, headers=headers, stream=True, accept_encoding=None)
        _ = response.status_code, response.headers
        size = sum([len(chunk) async for chunk in response.aiter_content()])
        await response.aclose()
        return size

    return one, session.close


async def raw_client(base: str) -> tuple[Callable[[], Awaitable[int]], Callable[[], Awaitable[None]]]:
    """The floor: one connection, a request written as bytes, httptools' response parser, no pool, no timeouts."""
    import httptools

    host, port = base.removeprefix("http://").split(":")
    head = f"GET {PATH} HTTP/1.1\r\nhost: {host}:{port}\r\n".encode()
    head += b"".join(f"{k}: {v}\r\n".encode() for k, v in HEADERS) + b"\r\n"

    class Protocol(asyncio.Protocol):
        def __init__(self) -> None:
            self.parser = httptools.HttpResponseParser(self)
            self.done: asyncio.Future[int] | None = None
            self.headers: list[tuple[bytes, bytes]] = []
            self.size = 0

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport

        def data_received(self, data: bytes) -> None:
            self.parser.feed_data(data)

        def on_header(self, name: bytes, value: bytes) -> None:
            self.headers.append((name.lower(), value))

        def on_body(self, body: bytes) -> None:
            self.size += len(body)

        def on_message_complete(self) -> None:
            assert self.done is not None
            self.done.set_result(self.size)

    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_connection(Protocol, host, int(port))

    async def one() -> int:
        protocol.done, protocol.headers, protocol.size = loop.create_future(), [], 0
        transport.write(head)  # type: ignore[attr-defined]
        return await protocol.done

    async def close() -> None:
        transport.close()

    return one, close


CLIENTS = {
    "aiohttp": aiohttp_client,
    "httpx": httpx_client,
    "aiosonic": aiosonic_client,
    "pyreqwest": pyreqwest_client,
    "niquests": niquests_client,
    "curl_cffi": curl_cffi_client,
    "raw": raw_client,
}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def drive(name: str, base: str, seconds: float, expected: int) -> dict[str, float]:
    one, close = await CLIENTS[name](base)
    try:
        for _ in range(200):  # warm-up: connection open, caches hot
            assert await one() == expected, f"{name}: the body arrived short"
        requests, before = 0, cpu_seconds(os.getpid())
        started = time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            await one()
            requests += 1
        wall = time.perf_counter() - started
        spent = cpu_seconds(os.getpid()) - before
    finally:
        await close()
    return {"requests": requests, "rps": requests / wall, "cpu_ms_per_request": spent * 1000 / requests}


def child(name: str, base: str, seconds: float, expected: int) -> None:
    import uvloop

    print(json.dumps(uvloop.run(drive(name, base, seconds, expected))), flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5, help="seconds per client and round (default 5)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians reported (default 3)")
    parser.add_argument("--clients", default=",".join(CANDIDATES), help="which clients (default all installed)")
    parser.add_argument("--child", nargs=3, metavar=("CLIENT", "BASE", "SIZE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.seconds, int(args.child[2]))
        return
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        sys.exit("nginx is not installed (apt-get install nginx-light)")
    wanted = [c.strip() for c in args.clients.split(",") if c.strip()]
    clients = [c for c in wanted if importlib.util.find_spec(CANDIDATES[c]) is not None]
    for missing in sorted(set(wanted) - set(clients)):
        print(f"# {missing}: not installed, skipped", flush=True)
    work = Path(tempfile.mkdtemp(prefix="http-clients-"))
    work.chmod(0o755)  # nginx's worker reads the body as another user
    body = body_like_the_reference_read()
    (work / "regions.json").write_bytes(body)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / sub).mkdir()
    port = free_port()
    (work / "nginx.conf").write_text(NGINX_CONF.format(dir=work, port=port))
    server = subprocess.Popen(["taskset", "-c", SERVER_CPU, nginx, "-c", str(work / "nginx.conf")])
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        print(f"# GET {PATH} from nginx: {len(body)} bytes; {args.rounds} rounds of {args.seconds:g} s", flush=True)
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in clients}
        for _ in range(args.rounds):
            for name in clients:  # interleaved: a neighbour's load hits every client alike
                command = ["taskset", "-c", CLIENT_CPU, sys.executable, __file__, "--seconds", str(args.seconds)]
                output = subprocess.run(
                    [*command, "--child", name, base, str(len(body))], capture_output=True, text=True, check=True
                ).stdout
                figures = json.loads(output.strip().splitlines()[-1])
                rounds[name].append(figures)
                print(json.dumps({"client": name, **figures}), flush=True)
        report(rounds)
    finally:
        server.send_signal(signal.SIGQUIT)
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


def report(rounds: dict[str, list[dict[str, float]]]) -> None:
    medians = {
        name: {key: statistics.median(run[key] for run in runs) for key in runs[0]} for name, runs in rounds.items()
    }
    reference = medians.get("aiohttp")
    print("\n| client | req/s | CPU ms/req | CPU vs aiohttp |")
    print("| --- | ---: | ---: | ---: |")
    for name, m in sorted(medians.items(), key=lambda item: item[1]["cpu_ms_per_request"]):
        ratio = f"{m['cpu_ms_per_request'] / reference['cpu_ms_per_request']:.2f}x" if reference else ""
        print(f"| {name} | {m['rps']:.0f} | {m['cpu_ms_per_request']:.3f} | {ratio} |")


if __name__ == "__main__":
    main()
