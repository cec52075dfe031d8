"""Local receivers for the webhooks benchmark, in a process of their own: `receivers.py OUT PORT...`.

The first port fails half the time (500, at random), the second answers after
2 s, the rest at once. On SIGTERM it writes every request as JSON lines
(port, webhook-id, unix time received, status answered) to OUT and exits.
"""

from __future__ import annotations

import asyncio
import json
import random
import signal
import sys
import time

from aiohttp import web


async def main(out: str, ports: list[int]) -> None:
    seen: list[tuple[int, str, float, int]] = []
    runners = []
    for i, port in enumerate(ports):

        async def handle(request: web.Request, port: int = port, kind: int = i) -> web.Response:
            await request.read()
            received = time.time()
            status = 200
            if kind == 0 and random.random() < 0.5:
                status = 500
            elif kind == 1:
                await asyncio.sleep(2)
            seen.append((port, request.headers.get("webhook-id", ""), received, status))
            return web.Response(status=status, text="ok")

        app = web.Application()
        app.router.add_post("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        runners.append(runner)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    print("listening", flush=True)
    await stop.wait()
    with open(out, "w") as f:
        for port, message_id, received, status in seen:
            f.write(json.dumps({"port": port, "id": message_id, "at": received, "status": status}) + "\n")
    for runner in runners:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], [int(p) for p in sys.argv[2:]]))
