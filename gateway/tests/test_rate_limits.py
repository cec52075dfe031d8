"""Per-caller token buckets: 429 with Retry-After, per role, in memory or shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest
from gateway.ratelimit import RateLimiter
from smartcity_dev.testing import skip_without

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


async def _redis_or_skip() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=0.5, socket_timeout=0.5)
    try:
        await client.ping()
    except Exception as exc:
        skip_without(
            "redis", f"no Redis answers at {REDIS_URL} ({exc.__class__.__name__}); the shared limit is not tested"
        )
    finally:
        await client.aclose()


async def test_a_caller_over_its_burst_gets_429_with_retry_after(start_gateway, make_settings, bearer, upstream):
    client = await start_gateway(make_settings(rate_limits="partner=0.05:3,operator=100:100"))
    partner = bearer("partner", subject="kemenkeu")
    statuses = [(await client.get("/api/v1/regions", headers=partner)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = await client.get("/api/v1/regions", headers=partner)
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert 1 <= int(response.headers["retry-after"]) <= 20  # one token every 20 s
    assert len(upstream.seen) == 3
    # another caller of the same role has a bucket of its own; another role its own size
    assert (await client.get("/api/v1/regions", headers=bearer("partner", subject="pupr"))).status_code == 200
    assert (await client.get("/api/v1/regions", headers=bearer("operator"))).status_code == 200


async def test_a_role_left_out_of_the_table_is_not_limited(start_gateway, make_settings, bearer):
    client = await start_gateway(make_settings(rate_limits="partner=0.2:1"))
    statuses = {(await client.get("/api/v1/me", headers=bearer("mentor"))).status_code for _ in range(20)}
    assert statuses == {200}


def test_a_malformed_table_is_refused_at_start(make_settings):
    for bad in ("partner=fast", "wizard=1:1", "partner=0:1", "partner=1:0"):
        with pytest.raises(ValueError, match="GATEWAY_RATE_LIMITS"):
            make_settings(rate_limits=bad)
    for bad in ("many", "0:10", "5:0"):
        with pytest.raises(ValueError, match="GATEWAY_FAILED_AUTH_LIMIT"):
            make_settings(failed_auth_limit=bad)


async def test_two_limiters_sharing_redis_draw_from_one_bucket():
    await _redis_or_skip()
    first = RateLimiter({"partner": (0.02, 4)}, REDIS_URL)
    second = RateLimiter({"partner": (0.02, 4)}, REDIS_URL)
    caller = f"jwt:shared-{uuid.uuid4().hex}"
    try:
        waits = []
        for n in range(6):
            limiter = first if n % 2 == 0 else second
            waits.append(await limiter.retry_after("partner", caller))
        assert waits[:4] == [0, 0, 0, 0]
        assert waits[4] >= 1 and waits[5] >= 1
        assert (await first.retry_after("partner", f"jwt:other-{uuid.uuid4().hex}")) == 0
    finally:
        await first.close()
        await second.close()


async def test_when_redis_is_down_each_replica_counts_alone(unused_port):
    limiter = RateLimiter({"partner": (0.02, 2)}, f"redis://127.0.0.1:{unused_port()}/0")
    try:
        waits = [await limiter.retry_after("partner", "jwt:x") for _ in range(3)]
        assert waits[:2] == [0, 0] and waits[2] >= 1
    finally:
        await limiter.close()


async def test_an_address_that_keeps_failing_to_authenticate_is_told_to_wait(start_gateway, make_settings, bearer):
    client = await start_gateway(make_settings(failed_auth_limit="0.1:3"))
    bad = {"X-API-Key": "sck_00000000_guess"}
    statuses = [(await client.get("/api/v1/me", headers=bad)).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    refused = await client.get("/api/v1/me", headers=bearer("operator"))  # even a good token waits its turn
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 10
