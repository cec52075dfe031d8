"""httpx or aiohttp for sending webhooks: CPU per request and requests per second, side by side in one run.

Both clients send the same signed POSTs to the same local receivers
(`receivers.py`, a process of their own, answering 200 at once), as the
dispatcher sends them: one request at a time per endpoint (ordered delivery),
`--endpoints` endpoints at once, keep-alive, redirects not followed, the
answer read up to 64 KiB. Rounds alternate between the clients so that both
see the same load on the machine; CPU is this process's (user + system), so
it is the client's cost per request, the receivers' excluded.

    .venv/bin/python bench/webhooks/http_clients.py --requests 5000 --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
from smartcity_dev.platform import free_port

HERE = Path(__file__).resolve().parent
MAX_RESPONSE_BYTES = 64 * 1024
BODY = b'{"type":"bench.event","timestamp":"2026-11-30T16:00:00+00:00","data":{"n":1,"region_code":"32.73"}}'
HEADERS = {
    "webhook-id": "evt_participants_1",
    "webhook-timestamp": "1796054400",
    "webhook-signature": "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=",
    "content-type": "application/json",
    "user-agent": "smartcity-webhooks/1.0",
}

Send = Callable[[str, str], Awaitable[int]]


async def with_httpx(endpoints: list[str], count: int) -> float:
    async with httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,
        timeout=httpx.Timeout(None),
        limits=httpx.Limits(max_connections=500, max_keepalive_connections=100),
    ) as client:

        async def send(url: str, host: str) -> int:
            request = client.build_request("POST", url, headers={**HEADERS, "host": host}, content=BODY)
            response = await client.send(request, stream=True)
            try:
                received = bytearray()
                async for chunk in response.aiter_raw():
                    received += chunk
                    if len(received) >= MAX_RESPONSE_BYTES:
                        break
            finally:
                await response.aclose()
            return response.status_code

        return await drive(send, endpoints, count)


async def with_aiohttp(endpoints: list[str], count: int) -> float:
    connector = aiohttp.TCPConnector(limit=500, limit_per_host=0, use_dns_cache=False)
    async with aiohttp.ClientSession(connector=connector, trust_env=False, auto_decompress=False) as session:

        async def send(url: str, host: str) -> int:
            async with session.post(
                url, data=BODY, headers={**HEADERS, "host": host}, allow_redirects=False
            ) as response:
                await response.content.read(MAX_RESPONSE_BYTES)
                return response.status

        return await drive(send, endpoints, count)


async def drive(send: Send, endpoints: list[str], count: int) -> float:
    """`count` requests spread over the endpoints, one at a time per endpoint; returns the seconds taken."""
    per_endpoint = count // len(endpoints)

    async def one_endpoint(url: str) -> None:
        host = url.split("/")[2]
        for _ in range(per_endpoint):
            status = await send(url, host)
            assert status == 200, status

    started = time.perf_counter()
    await asyncio.gather(*(one_endpoint(u) for u in endpoints))
    return time.perf_counter() - started


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per client per round")
    parser.add_argument("--endpoints", type=int, default=18)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ports = [free_port() for _ in range(args.endpoints + 2)]  # receivers.py: the first two fail and crawl
    endpoints = [f"http://127.0.0.1:{p}/hooks" for p in ports[2:]]
    clients = {"httpx": with_httpx, "aiohttp": with_aiohttp}
    totals = {name: [0.0, 0.0, 0.0, 0] for name in clients}  # wall, our CPU, receivers' CPU, requests
    with tempfile.TemporaryDirectory() as root:
        receivers = subprocess.Popen(
            [sys.executable, str(HERE / "receivers.py"), str(Path(root) / "seen.jsonl"), *map(str, ports)],
            stdout=subprocess.PIPE,
        )
        try:
            assert receivers.stdout is not None and receivers.stdout.readline().strip() == b"listening"
            for _ in range(args.rounds):
                for name, run in clients.items():
                    cpu, theirs = time.process_time(), cpu_seconds(receivers.pid)
                    wall = await run(endpoints, args.requests)
                    done = args.requests // len(endpoints) * len(endpoints)
                    total = totals[name]
                    total[0] += wall
                    total[1] += time.process_time() - cpu
                    total[2] += cpu_seconds(receivers.pid) - theirs
                    total[3] += done
        finally:
            receivers.terminate()
            receivers.wait(60)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.rounds} rounds of {args.requests} requests per client, {args.endpoints} endpoints; load {load}")
    print("| client | requests/s | client CPU per request | receivers' CPU per request |")
    print("| --- | --- | --- | --- |")
    for name, (wall, cpu, theirs, done) in totals.items():
        print(f"| {name} | {done / wall:.0f} | {cpu * 1000 / done:.3f} ms | {theirs * 1000 / done:.3f} ms |")


if __name__ == "__main__":
    asyncio.run(main())
