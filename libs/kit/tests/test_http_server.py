"""The bounded HTTP server every process runs: header size and time, body pace, over a real socket."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable

import orjson
import pytest
import uvicorn
from smartcity_kit.httpserver import HttpLimits, bounded_protocol
from starlette.types import Receive, Scope, Send

Serve = Callable[..., Awaitable[int]]


async def echo(scope: Scope, receive: Receive, send: Send) -> None:
    """Reads the whole body, answers its size: what a JSON endpoint does."""
    if scope["type"] != "http":
        return
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        size += len(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = orjson.dumps({"size": size, "headers": len(scope["headers"])})
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    servers: list[tuple[uvicorn.Server, asyncio.Task]] = []

    async def start(**limits: float) -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        config = uvicorn.Config(
            echo,
            host="127.0.0.1",
            port=port,
            http=bounded_protocol(HttpLimits(**limits)),  # type: ignore[arg-type]
            ws="none",
            server_header=False,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        servers.append((server, task))
        return port

    yield start
    for server, task in servers:
        server.should_exit = True
        await task


async def read_answer(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of the answer; the connection must then be closed by the server."""
    raw = await asyncio.wait_for(reader.read(), 30)
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


async def test_a_request_within_the_bounds_is_served(serve: Serve) -> None:
    port = await serve(max_header_bytes=4096)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-Pad: " + b"p" * 3000 + b"\r\n\r\nhello")
    writer.write(b"GET /y HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")  # the next request on the connection
    raw = await asyncio.wait_for(reader.read(), 30)
    writer.close()
    assert raw.count(b"HTTP/1.1 200 OK") == 2
    assert b'{"size":5,"headers":3}' in raw and b'{"size":0,"headers":2}' in raw
    assert b"server:" not in raw.lower()


async def test_headers_past_the_bound_are_431_and_the_rest_is_never_read(serve: Serve) -> None:
    port = await serve(max_header_bytes=16384)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    answer = asyncio.ensure_future(read_answer(reader))
    writer.write(b"GET / HTTP/1.1\r\nHost: a\r\nX-Big: ")
    sent = 0
    with pytest.raises(ConnectionError):  # the server hangs up long before 64 MB
        for _ in range(64 * 1024):
            writer.write(b"a" * 1024)
            await writer.drain()
            sent += 1024
    assert sent < 16 * 1024 * 1024
    status, headers, body = await answer
    assert status == 431
    assert headers["content-type"] == "application/problem+json"
    assert orjson.loads(body) == {
        "type": "https://smartcity.kominfo.go.id/problems/header-fields-too-large",
        "code": "header-fields-too-large",
        "title": "Headers too large",
        "status": 431,
        "detail": "The request's headers are larger than 16384 bytes.",
    }


async def test_many_small_headers_count_together(serve: Serve) -> None:
    port = await serve(max_header_bytes=16384)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    headers = b"".join(b"X-H%d: %s\r\n" % (n, b"v" * 100) for n in range(200))  # about 21 KB in one write
    writer.write(b"GET / HTTP/1.1\r\nHost: a\r\n" + headers + b"\r\n")
    status, _, _ = await read_answer(reader)
    writer.close()
    assert status == 431


async def test_headers_that_do_not_arrive_in_time_are_408(serve: Serve) -> None:
    port = await serve(header_timeout=1.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET / HTTP/1.1\r\nHost: a\r\n")  # and never the blank line
    await writer.drain()
    status, _, body = await read_answer(reader)
    writer.close()
    assert status == 408
    assert orjson.loads(body)["detail"] == "The request's headers did not arrive within 1 s."
    assert orjson.loads(body)["code"] == "request-timeout"


async def test_a_connection_that_says_nothing_is_closed(serve: Serve) -> None:
    port = await serve(header_timeout=1.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    assert await asyncio.wait_for(reader.read(), 30) == b""
    writer.close()


async def test_a_body_that_stalls_is_408(serve: Serve) -> None:
    port = await serve(body_idle_timeout=1.0, min_body_rate=1.0, body_grace=60.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n" + b"x" * 10)
    await writer.drain()
    status, _, body = await read_answer(reader)
    writer.close()
    assert status == 408
    assert orjson.loads(body)["detail"] == "The request body stalled for more than 1 s."


async def test_a_body_slower_than_the_least_rate_is_408(serve: Serve) -> None:
    # a byte every 0.2 s never stalls, but is far below 100 bytes a second once the 1 s of grace is over
    port = await serve(body_idle_timeout=30.0, min_body_rate=100.0, body_grace=1.0)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n")
    answer = asyncio.ensure_future(read_answer(reader))
    with pytest.raises(ConnectionError):
        for _ in range(1000):
            if answer.done():
                raise ConnectionResetError
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.2)
    status, _, body = await answer
    writer.close()
    assert status == 408
    assert orjson.loads(body)["detail"] == "The request body arrives slower than 100 bytes a second."


async def test_garbage_is_a_400_problem(serve: Serve) -> None:
    port = await serve()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"\x16\x03\x01 not http\r\n\r\n")
    status, headers, body = await read_answer(reader)
    writer.close()
    assert status == 400
    assert headers["content-type"] == "application/problem+json"
    assert orjson.loads(body)["detail"] == "The request is not valid HTTP/1.1."
