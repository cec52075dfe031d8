"""With tracing on, a call of an aiohttp client (the webhooks' sender) is a client span of the trace it is made in,
and the receiver gets that trace in `traceparent`, as an httpx client's call does (tests/test_tracing.py follows
those across the platform). Tracing is set up once per process: the check runs in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import asyncio, json
from aiohttp import ClientSession, web
from opentelemetry import trace
from smartcity_kit import tracing

assert tracing.configure("clients-test")

async def echo(request):
    return web.json_response({"traceparent": request.headers.get("traceparent")})

async def main():
    app = web.Application()
    app.router.add_get("/", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    tracer = trace.get_tracer("test")
    with tracer.start_as_current_span("request", kind=trace.SpanKind.SERVER) as span:
        async with ClientSession() as client, client.get(f"http://127.0.0.1:{port}/") as answer:
            received = (await answer.json())["traceparent"]
        trace_id = format(span.get_span_context().trace_id, "032x")
    await runner.cleanup()
    print(json.dumps({"received": received, "trace_id": trace_id}))

asyncio.run(main())
trace.get_tracer_provider().shutdown()
"""


def test_an_aiohttp_call_is_a_client_span_of_its_trace_and_carries_it() -> None:
    env = {**os.environ, "OTEL_TRACES_EXPORTER": "console", "OTEL_TRACES_SAMPLER": "parentbased_always_on"}
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    spans = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    clients = [s for s in spans if s["kind"] == "SpanKind.CLIENT"]
    assert [s["context"]["trace_id"] for s in clients] == [f"0x{result['trace_id']}"]
    version, trace_id, span_id, flags = result["received"].split("-")
    assert (version, trace_id) == ("00", result["trace_id"])
    assert int(flags, 16) & 1 == 1  # sampled
    assert f"0x{span_id}" == clients[0]["context"]["span_id"]
