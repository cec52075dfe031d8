"""Per-caller rate limits: a token bucket per caller, sized by the caller's role.

In memory by default (each replica counts alone); with Redis every replica
draws from one bucket, updated atomically by a Lua script on Redis's clock.
If Redis stops answering, each replica falls back to its own buckets rather
than refusing everyone.
"""

from __future__ import annotations

import math
import time

import structlog

log = structlog.get_logger("ratelimit")

_LUA = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = burst
  ts = now
end
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {allowed, tostring(wait)}
"""

_MAX_BUCKETS = 100_000
REDIS_RETRY_AFTER = 5.0


class MemoryBuckets:
    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}

    def wait(self, key: str, rate: float, burst: float) -> float:
        """Seconds until the bucket has a token, taking none."""
        hit = self._buckets.get(key)
        if hit is None:
            return 0.0
        tokens = min(burst, hit[0] + (time.monotonic() - hit[1]) * rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / rate

    def take(self, key: str, rate: float, burst: float) -> float:
        """0 when a token was taken, else the seconds until one will be there."""
        now = time.monotonic()
        tokens, last = self._buckets.get(key, (burst, now))
        tokens = min(burst, tokens + (now - last) * rate)
        if tokens >= 1:
            if len(self._buckets) >= _MAX_BUCKETS:
                self._buckets.clear()  # crude, but bounded: every caller restarts with a full bucket
            self._buckets[key] = (tokens - 1, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1 - tokens) / rate


class RateLimiter:
    def __init__(self, limits: dict[str, tuple[float, float]], redis_url: str = "") -> None:
        self.limits = limits
        self.memory = MemoryBuckets()
        self.redis = None
        self._script = None
        self._redis_down_until = 0.0
        if redis_url:
            from redis.asyncio import Redis

            self.redis = Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
            self._script = self.redis.register_script(_LUA)

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    async def retry_after(self, role: str, caller_key: str) -> int:
        """0 when the request may go on, else whole seconds to wait (for `Retry-After`)."""
        limit = self.limits.get(role)
        if limit is None:
            return 0
        rate, burst = limit
        wait = None
        if self._script is not None and time.monotonic() >= self._redis_down_until:
            try:
                allowed, wait_text = await self._script(keys=[f"gateway:rl:{caller_key}"], args=[rate, burst])
                wait = 0.0 if int(allowed) else float(wait_text)
            except Exception as exc:  # any Redis failure: count locally, and give Redis a few seconds
                log.warning("redis rate limit unavailable; counting locally", error=repr(exc))
                self._redis_down_until = time.monotonic() + REDIS_RETRY_AFTER
        if wait is None:
            wait = self.memory.take(caller_key, rate, burst)
        return 0 if wait <= 0 else max(1, math.ceil(wait))
