"""uvicorn's httptools protocol with the bounds it lacks: header size, header time, body pace.

uvicorn reads a request's headers without limit of size or time, and a body
as slowly as the client likes, so one client can hold memory (a 64 MB header)
or a connection and whatever it pins downstream (an upload at a byte a
second) for as long as it wants. This protocol refuses:

- headers (request line included) past `max_header_bytes`: 431, counted on
  the raw bytes while they arrive, so an endless header is cut at the bound;
- headers not complete `header_timeout` seconds after the connection opened
  or the request began: 408;
- a body that sends nothing for `body_idle_timeout` seconds, or that after
  `body_grace` seconds arrives slower than `min_body_rate` bytes a second on
  average: 408. Time during which the server itself stopped reading (the app
  is not consuming the body) is not counted against the client.

Refusals are problem+json and close the connection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import structlog
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .generic_problems import BAD_REQUEST, HEADER_FIELDS_TOO_LARGE, REQUEST_TIMEOUT
from .i18n import language_of
from .problems import problem_body
from .problemtypes import ProblemType

log = structlog.get_logger("http")
LINGER_SECONDS = 2.0
LINGER_BYTES = 1 << 20
_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 431: b"Request Header Fields Too Large"}


@dataclass(frozen=True)
class HttpLimits:
    max_header_bytes: int = 16 * 1024
    header_timeout: float = 10.0
    body_idle_timeout: float = 30.0
    min_body_rate: float = 1024.0
    body_grace: float = 10.0


def raw_problem(problem: ProblemType, language: str, detail: str, values: Mapping[str, Any] | None = None) -> bytes:
    body = orjson.dumps(problem_body(problem, language, detail, values=values))
    head = (
        b"HTTP/1.1 %d %s\r\ncontent-type: application/problem+json\r\ncontent-length: %d\r\n"
        b"content-language: %s\r\nconnection: close\r\n\r\n"
    )
    return head % (problem.status, _REASONS[problem.status], len(body), language.encode()) + body


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    limits = HttpLimits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_headers = True
        self._raw_header_bytes = 0  # bytes fed while the headers were incomplete: an upper bound of their size
        self._header_bytes = 0  # the exact size, from the parser's callbacks
        self._header_timer: asyncio.TimerHandle | None = None
        self._body_timer: asyncio.TimerHandle | None = None
        self._body_bytes = 0
        self._body_active = 0.0
        self._body_last_data = 0.0
        self._body_last_tick = 0.0
        self._refused = False
        self._dropped = 0

    # connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timers()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            self._dropped += len(data)
            if self._dropped > LINGER_BYTES:
                self.transport.close()
            return
        if self._in_headers:
            self._raw_header_bytes += len(data)
        super().data_received(data)
        if self._in_headers and not self._refused and self._raw_header_bytes > self.limits.max_header_bytes:
            self._refuse(
                HEADER_FIELDS_TOO_LARGE,
                "The request's headers are larger than {max_header_bytes} bytes.",
                max_header_bytes=self.limits.max_header_bytes,
            )

    def send_400_response(self, msg: str) -> None:
        if not self.transport.is_closing():
            self.transport.write(
                raw_problem(BAD_REQUEST, language_of(self.headers or ()), "The request is not valid HTTP/1.1.")
            )
            self.transport.close()

    # parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        if self._header_timer is None:
            self._start_header_timer()

    def on_url(self, url: bytes) -> None:
        self._header_bytes += len(url)
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value) + 4
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._raw_header_bytes = 0
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None
        if self._header_bytes > self.limits.max_header_bytes:
            self._refuse(
                HEADER_FIELDS_TOO_LARGE,
                "The request's headers are larger than {max_header_bytes} bytes.",
                max_header_bytes=self.limits.max_header_bytes,
            )
            return
        super().on_headers_complete()
        if self._expects_body():
            now = time.monotonic()
            self._body_bytes = 0
            self._body_active = 0.0
            self._body_last_data = self._body_last_tick = now
            self._body_timer = self.loop.call_later(1.0, self._check_body)

    def on_body(self, body: bytes) -> None:
        if self._refused:
            return
        self._body_bytes += len(body)
        self._body_last_data = time.monotonic()
        super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._in_headers = True
        self._raw_header_bytes = 0
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None
        super().on_message_complete()

    # the bounds

    def _expects_body(self) -> bool:
        for name, value in self.headers:
            if name == b"content-length":
                return value.strip() not in (b"0", b"")
            if name == b"transfer-encoding":
                return True
        return False

    def _start_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.limits.header_timeout, self._headers_too_slow)

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self._raw_header_bytes == 0 and (self.cycle is None or self.cycle.response_complete):
            self.transport.close()  # a connection that never said anything: nothing to answer
            return
        self._refuse(
            REQUEST_TIMEOUT,
            "The request's headers did not arrive within {seconds} s.",
            seconds=f"{self.limits.header_timeout:g}",
        )

    def _check_body(self) -> None:
        self._body_timer = None
        cycle = self.cycle
        if self.transport.is_closing() or cycle is None or not cycle.more_body or cycle.response_complete:
            return
        now = time.monotonic()
        if self.flow.read_paused or cycle.waiting_for_100_continue:
            self._body_last_data = now  # the server is not reading (yet): the client is not to blame
        else:
            self._body_active += now - self._body_last_tick
        self._body_last_tick = now
        limits = self.limits
        if now - self._body_last_data > limits.body_idle_timeout:
            self._refuse(
                REQUEST_TIMEOUT,
                "The request body stalled for more than {seconds} s.",
                seconds=f"{limits.body_idle_timeout:g}",
            )
            return
        if self._body_active > limits.body_grace and self._body_bytes / self._body_active < limits.min_body_rate:
            self._refuse(
                REQUEST_TIMEOUT,
                "The request body arrives slower than {rate} bytes a second.",
                rate=f"{limits.min_body_rate:g}",
            )
            return
        self._body_timer = self.loop.call_later(1.0, self._check_body)

    def _refuse(self, problem: ProblemType, detail: str, **values: Any) -> None:
        """Answer `problem` (when no answer has begun on this connection) and close it."""
        self._refused = True
        self._stop_timers()
        log.info("request refused by the HTTP server", code=problem.code, detail=detail, client=self.client, **values)
        answer = raw_problem(problem, language_of(self.headers or ()), detail, values)
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            started = cycle.response_started
            cycle.disconnected = True  # the app's next receive() is a disconnect, its sends are dropped
            cycle.message_event.set()
            if not started:
                self.transport.write(answer)
        else:
            self.transport.write(answer)
        self._linger()

    def _linger(self) -> None:
        """Close the way nginx does: send the answer and our FIN, then read and drop what the client still sends
        for a moment. Closing at once with unread bytes makes the kernel send a reset, which can destroy the
        answer before the client has read it."""
        if self.transport.can_write_eof():
            self.transport.write_eof()
            self._body_timer = self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()

    def _stop_timers(self) -> None:
        for timer in (self._header_timer, self._body_timer):
            if timer is not None:
                timer.cancel()
        self._header_timer = self._body_timer = None


def bounded_protocol(limits: HttpLimits) -> type[BoundedHttpToolsProtocol]:
    """The protocol class uvicorn is given (`http=`), carrying these limits."""
    return type("BoundedHttpToolsProtocol", (BoundedHttpToolsProtocol,), {"limits": limits})
