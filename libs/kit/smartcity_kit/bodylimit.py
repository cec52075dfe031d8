"""A bound on every request body that is not an upload: 413 past it, judged while reading.

A JSON body is read whole before it is validated, so without a bound one large
body costs its size in memory (and eight at once, eight times that). A
declared `Content-Length` past the bound is refused before a byte of the body
is read; a body without one is counted as it arrives and refused the moment it
passes. Routes that stream their body to storage and bound it themselves
(uploads, imports) say so with `openapi_extra=STREAMED_BODY`.

Starlette has a body limit of its own, but it answers in plain text and a
JSON-only dependency parser turns its error into a 400; this one raises an
`HTTPException` subclass (a `CarriedError`), which FastAPI lets through and the
problem handlers render as problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .generic_problems import CONTENT_TOO_LARGE
from .i18n import language_of
from .problems import HTTP_METHODS, AppError, CarriedError

DEFAULT_MAX_BODY_BYTES = 1 << 20
# `openapi_extra` of a route that streams its body and bounds it itself (shown in the OpenAPI document)
STREAMED_BODY: dict[str, Any] = {"x-streamed-body": True}


class BodyTooLarge(CarriedError):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            AppError(
                CONTENT_TOO_LARGE,
                "The request body is larger than this endpoint accepts ({max_bytes} bytes).",
                max_bytes=max_bytes,
            )
        )


def declared_length(scope: Scope) -> int | None:
    """The request's Content-Length; None when absent (chunked) or unreadable (the server refuses those)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def limited_receive(receive: Receive, max_bytes: int) -> Receive:
    """`receive` that raises BodyTooLarge as soon as the body read so far passes `max_bytes`."""
    seen = 0

    async def receive_within_limit() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise BodyTooLarge(max_bytes)
        return message

    return receive_within_limit


def streamed_operations(document: dict[str, Any]) -> list[tuple[str, re.Pattern[str]]]:
    """(METHOD, path pattern) of every operation the OpenAPI document marks `x-streamed-body`."""
    found = []
    for template, item in document.get("paths", {}).items():
        pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "/?")
        for method, operation in item.items():
            if method in HTTP_METHODS and operation.get("x-streamed-body"):
                found.append((method.upper(), pattern))
    return found


class BodyLimitMiddleware:
    """Pure ASGI; `openapi` gives the app's document, read (once) only for a body that may pass the bound."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, openapi: Callable[[], dict[str, Any]]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.openapi = openapi
        self._streamed: list[tuple[str, re.Pattern[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = declared_length(scope)
        chunked = any(name == b"transfer-encoding" for name, _ in scope["headers"])
        if (length is not None and length <= self.max_bytes and not chunked) or (length is None and not chunked):
            await self.app(scope, receive, send)  # the usual case: the server delivers no more than declared
            return
        if self._streams_itself(scope):
            await self.app(scope, receive, send)
            return
        if length is not None and length > self.max_bytes:
            await _refuse(self.max_bytes, scope, receive, send)
            return
        started = False

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive(receive, self.max_bytes), watching_send)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(self.max_bytes, scope, receive, send)

    def _streams_itself(self, scope: Scope) -> bool:
        if self._streamed is None:
            self._streamed = streamed_operations(self.openapi())
        return any(scope["method"] == method and pattern.fullmatch(scope["path"]) for method, pattern in self._streamed)


async def _refuse(max_bytes: int, scope: Scope, receive: Receive, send: Send) -> None:
    response = BodyTooLarge(max_bytes).error.to_response(language_of(scope["headers"]))
    # the unread body is not drained: the server closes the connection after this answer
    response.headers["Connection"] = "close"
    await response(scope, receive, send)
