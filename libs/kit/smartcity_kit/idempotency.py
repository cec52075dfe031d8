"""Idempotency-Key on every POST.

The same key with the same body within 24 h gets the first response again and
does nothing again; with another body 422; while the first is still running
409. Keys are per caller (the whole identity: `Caller.owner`), stored in the service's own schema, and a request
that failed with a 5xx (or crashed) releases its key so that it can be retried.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import orjson
import sqlalchemy as sa
import structlog
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.engine import Row
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .generic_problems import IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED, VALIDATION_FAILED
from .i18n import language_of
from .problems import problem_response
from .problemtypes import FieldError

log = structlog.get_logger("idempotency")
HEADER = b"idempotency-key"
KEEP = timedelta(hours=24)
ABANDONED = timedelta(minutes=30)
MAX_STORED_BODY = 1 << 20


def idempotency_table(metadata: sa.MetaData) -> sa.Table:
    return sa.Table(
        "idempotency_keys",
        metadata,
        sa.Column("caller", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("method", sa.Text, nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("request_hash", sa.Text),
        sa.Column("status", sa.Integer),
        sa.Column("headers", JSONB),
        sa.Column("body", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


def _multipart_boundary(scope: Scope) -> bytes | None:
    content_type = next((v for k, v in scope["headers"] if k == b"content-type"), b"")
    media_type, _, params = content_type.partition(b";")
    if media_type.strip().lower() != b"multipart/form-data":
        return None
    for param in params.split(b";"):
        name, _, value = param.strip().partition(b"=")
        if name.lower() == b"boundary" and value.strip(b'"'):
            return value.strip(b'"')
    return None


class _BodyDigest:
    """The request's fingerprint: method, path and body.

    A multipart body's boundary is left out: clients draw a new random one for
    every attempt, and a retry of the same form is the same request.
    """

    def __init__(self, scope: Scope) -> None:
        self._hash = hashlib.sha256(f"{scope['method']} {scope['path']}\n".encode())
        self._boundary = _multipart_boundary(scope)
        self._tail = b""

    def update(self, data: bytes) -> None:
        if self._boundary is None:
            self._hash.update(data)
            return
        segments = (self._tail + data).split(self._boundary)
        last = segments.pop()
        keep = len(self._boundary) - 1  # a boundary may straddle this chunk and the next
        for segment in segments:
            self._hash.update(segment)
        cut = max(len(last) - keep, 0)
        self._hash.update(last[:cut])
        self._tail = last[cut:]

    def hexdigest(self) -> str:
        self._hash.update(self._tail)
        self._tail = b""
        return self._hash.hexdigest()


class IdempotencyMiddleware:
    """Pure ASGI: wraps POSTs that carry an Idempotency-Key; needs the caller in `scope["state"]`."""

    def __init__(self, app: ASGIApp, table: sa.Table, state_app: Starlette) -> None:
        self.app = app
        self.table = table
        self.state_app = state_app  # the FastAPI app, whose state holds the sessionmaker

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        key = next((v.decode("latin-1") for k, v in scope["headers"] if k == HEADER), None)
        caller = scope.get("state", {}).get("caller")
        if key is None or caller is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 255:
            await problem_response(
                VALIDATION_FAILED,
                language_of(scope["headers"]),
                "Idempotency-Key must be 1-255 characters.",
                errors=[FieldError("Idempotency-Key", "too_long", "1-255 characters.")],
            )(scope, receive, send)
            return
        who = caller.owner
        sessionmaker = self.state_app.state.sessionmaker
        t = self.table
        async with sessionmaker() as session:
            await session.execute(
                sa.delete(t).where(
                    t.c.caller == who,
                    t.c.key == key,
                    sa.or_(
                        t.c.created_at < sa.func.now() - KEEP,
                        sa.and_(t.c.status.is_(None), t.c.created_at < sa.func.now() - ABANDONED),
                    ),
                )
            )
            inserted = (
                await session.execute(
                    insert(t)
                    .values(caller=who, key=key, method=scope["method"], path=scope["path"])
                    .on_conflict_do_nothing()
                    .returning(t.c.key)
                )
            ).first()
            existing = None
            if inserted is None:
                existing = (await session.execute(sa.select(t).where(t.c.caller == who, t.c.key == key))).first()
            await session.commit()

        if existing is not None:
            await self._replay(existing, scope, receive, send)
            return
        await self._first(who, key, scope, receive, send)

    async def _replay(self, row: Row[Any], scope: Scope, receive: Receive, send: Send) -> None:
        if row.status is None:
            await problem_response(
                IDEMPOTENCY_KEY_IN_USE,
                language_of(scope["headers"]),
                "A request with this Idempotency-Key is still being processed.",
                headers={"Retry-After": "1"},
            )(scope, receive, send)
            return
        digest = _BodyDigest(scope)
        while True:
            message = await receive()
            digest.update(message.get("body", b""))
            if not message.get("more_body", False) or message["type"] == "http.disconnect":
                break
        if digest.hexdigest() != row.request_hash:
            await problem_response(
                IDEMPOTENCY_KEY_REUSED,
                language_of(scope["headers"]),
                "This Idempotency-Key was used with another request body.",
                errors=[FieldError("Idempotency-Key", "reused", "Used before with another body.")],
            )(scope, receive, send)
            return
        headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in row.headers]
        headers.append((b"idempotent-replayed", b"true"))
        await send({"type": "http.response.start", "status": row.status, "headers": headers})
        await send({"type": "http.response.body", "body": row.body or b""})

    async def _first(self, who: str, key: str, scope: Scope, receive: Receive, send: Send) -> None:
        digest = _BodyDigest(scope)
        body_complete = False
        status = 500
        headers: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        size = 0
        stored = False

        async def hashing_receive() -> Message:
            nonlocal body_complete
            message = await receive()
            if message["type"] == "http.request":
                digest.update(message.get("body", b""))
                if not message.get("more_body", False):
                    body_complete = True
            return message

        async def capturing_send(message: Message) -> None:
            nonlocal status, size, stored
            if message["type"] == "http.response.start":
                status = message["status"]
                headers.extend(
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                    if k.lower() not in (b"content-length", b"x-request-id", b"date", b"server")
                )
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if size <= MAX_STORED_BODY:
                    chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and status < 500 and body_complete and size <= MAX_STORED_BODY:
                    # stored before the client sees the last byte: a repeat sent the moment the answer
                    # arrives must find it (a replay), not a request still in flight (409)
                    try:
                        await self._store(who, key, digest.hexdigest(), status, headers, b"".join(chunks))
                        stored = True
                    except Exception as exc:  # the change is made: the answer still goes out; the key is freed
                        log.warning("idempotency answer not stored", key=key, error=repr(exc))
            await send(message)

        try:
            await self.app(scope, hashing_receive, capturing_send)
        finally:
            if not stored:
                async with self.state_app.state.sessionmaker() as session:
                    await session.execute(
                        sa.delete(self.table).where(self.table.c.caller == who, self.table.c.key == key)
                    )
                    await session.commit()

    async def _store(
        self, who: str, key: str, request_hash: str, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        t = self.table
        async with self.state_app.state.sessionmaker() as session:
            await session.execute(
                sa.update(t)
                .where(t.c.caller == who, t.c.key == key)
                .values(
                    request_hash=request_hash,
                    status=status,
                    headers=orjson.loads(orjson.dumps(headers)),
                    body=body,
                )
            )
            await session.commit()
