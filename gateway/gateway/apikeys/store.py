"""Checking an API key on every request: the database decides, a revocation works at once everywhere.

A found key is remembered for at most `api_key_cache_seconds`, and only while
this replica listens to the `gateway_api_key_revoked` channel: the revoking
transaction notifies it at commit, so every replica forgets the key before the
DELETE has even answered. Without the listener (connection lost) nothing is
remembered and every use asks the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import secrets
import time
from datetime import UTC, datetime

import asyncpg
import sqlalchemy as sa
import structlog
from smartcity_kit.db import async_url
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import ServiceUnavailable, Unauthorized
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from ..problems import CREDENTIALS_EXPIRED
from .models import ApiKey

log = structlog.get_logger("apikeys")

CHANNEL = "gateway_api_key_revoked"
KEY_PREFIX = "sck_"
_CACHE_MAX = 10_000


def new_key() -> tuple[str, str]:
    """(key, prefix): `sck_<8 hex>_<43 url-safe>`, the prefix being what people see in lists."""
    prefix = KEY_PREFIX + secrets.token_hex(4)
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode()).digest()


class ApiKeyStore:
    def __init__(self, engine: AsyncEngine, database_url: str, cache_seconds: float) -> None:
        self.engine = engine
        self.database_url = async_url(database_url).replace("postgresql+asyncpg://", "postgresql://", 1)
        self.cache_seconds = cache_seconds
        self._cache: dict[bytes, tuple[Caller, float]] = {}
        self._listening = False
        self._listener: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._connected = asyncio.Event()

    async def start(self, wait: float = 5.0) -> None:
        """Starts listening for revocations; waits a little for the channel so the cache works from the start."""
        if self.cache_seconds <= 0:
            return
        self._listener = asyncio.create_task(self._listen(), name="api-key-revocations")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._connected.wait(), wait)

    @property
    def listening(self) -> bool:
        return self._listening

    async def close(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)

    def forget(self, key_hash: bytes) -> None:
        self._cache.pop(key_hash, None)

    async def caller_for(self, key: str) -> Caller:
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            raise Unauthorized("The API key is not valid.")
        digest = hash_key(key)
        now = time.monotonic()
        hit = self._cache.get(digest)
        if hit is not None and hit[1] > now and self._listening:
            return hit[0]
        try:
            async with self.engine.connect() as conn:
                row = (
                    await conn.execute(
                        sa.select(
                            ApiKey.id,
                            ApiKey.role,
                            ApiKey.region_code,
                            ApiKey.organization,
                            ApiKey.expires_at,
                            ApiKey.revoked_at,
                        ).where(ApiKey.key_hash == digest)
                    )
                ).one_or_none()
        except (DBAPIError, OSError) as exc:
            raise ServiceUnavailable("API keys cannot be checked right now; retry shortly.") from exc
        if row is None or row.revoked_at is not None:
            self.forget(digest)
            raise Unauthorized("The API key is not valid or has been revoked.")
        wall = datetime.now(UTC)
        if row.expires_at is not None and row.expires_at <= wall:
            self.forget(digest)
            raise Unauthorized("The API key has expired.", problem=CREDENTIALS_EXPIRED)
        caller = Caller(
            subject=f"api-key:{row.id}",
            role=Role(row.role),
            region_code=row.region_code,
            auth="api_key",
            organization=row.organization,
        )
        if self._listening:
            ttl = self.cache_seconds
            if row.expires_at is not None:
                ttl = min(ttl, (row.expires_at - wall).total_seconds())
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[digest] = (caller, now + ttl)
        return caller

    async def _listen(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            conn = None
            try:
                conn = await asyncpg.connect(self.database_url, timeout=5)
                await conn.add_listener(CHANNEL, self._on_revoked)
                self._listening = True
                self._connected.set()
                delay = 0.5
                while True:  # a silent network loss shows at the next ping
                    await asyncio.sleep(5)
                    await conn.fetchval("SELECT 1", timeout=2)
            except asyncio.CancelledError:
                raise
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError) as exc:
                log.warning("revocation listener down", error=repr(exc))
            finally:
                # without the channel, a remembered key could outlive its revocation: remember nothing
                self._listening = False
                self._cache.clear()
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)

    def _on_revoked(self, _conn: object, _pid: int, _channel: str, payload: object, /) -> None:
        try:
            self.forget(bytes.fromhex(str(payload)))
        except ValueError:
            self._cache.clear()
