"""Webhook receivers for tests: real HTTP servers on 127.0.0.1 that record each request and answer as told."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

NO_CONTENT = (204, 304)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b"ok"
    delay: float = 0.0
    # a body that never ends (chunked): the sender must stop reading at 64 KiB
    endless: bool = False


class Receiver:
    """Records every POST; answers as `answer(n, request)` says (n counts from 0). `close()` when done."""

    def __init__(self, answer: Callable[[int, Received], Answer] | None = None) -> None:
        self.received: list[Received] = []
        self.answer = answer or (lambda n, r: Answer())
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def ids(self) -> list[str]:
        with self.lock:
            return [r.headers["webhook-id"] for r in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            request = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
            with receiver.lock:
                n = len(receiver.received)
                receiver.received.append(request)
            answer = receiver.answer(n, request)
            if answer.delay:
                time.sleep(answer.delay)
            self.send_response(answer.status)
            for name, value in answer.headers.items():
                self.send_header(name, value)
            if answer.endless:
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                chunk = b"x" * 16384
                try:
                    for _ in range(10_000):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                except OSError:
                    pass
                self.close_connection = True
                return
            if answer.status in NO_CONTENT:  # HTTP: no content, and no Content-Length, in these answers
                self.end_headers()
                return
            self.send_header("content-length", str(len(answer.body)))
            self.end_headers()
            self.wfile.write(answer.body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


def verify(secret: str, headers: dict[str, str], body: bytes) -> list[bool]:
    """The documented recipe: which of the `webhook-signature` entries are the HMAC of id.timestamp.body."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    return [hmac.compare_digest(s.removeprefix("v1,"), expected) for s in headers["webhook-signature"].split()]


def feed_events(client: Any, feed: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every event of a feed so far, in its order, read through the gateway (`client`: an httpx.Client)."""
    events: list[dict[str, Any]] = []
    after = None
    while True:
        params = {"limit": 500, **({"after": after} if after else {})}
        page = client.get(f"/api/v1/events/{feed}", params=params, headers=headers).json()
        events += page["items"]
        if not page["items"]:
            return events
        after = page["next_cursor"]
