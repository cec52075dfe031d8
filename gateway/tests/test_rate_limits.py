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
    assert response.json()["code"] == "too-many-requests"
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


async def test_an_address_whose_credentials_keep_failing_is_told_to_wait(start_gateway, make_settings):
    client = await start_gateway(make_settings(failed_auth_limit="0.1:3"))
    bad = {"X-API-Key": "sck_00000000_guess"}
    statuses = [(await client.get("/api/v1/me", headers=bad)).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    refused = await client.get("/api/v1/me", headers={"Authorization": "Bearer not.a.token"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "too-many-failed-authentications"
    assert 1 <= int(refused.headers["retry-after"]) <= 10


async def test_credentials_that_verify_pass_from_an_address_locked_by_failures(start_gateway, make_settings, bearer):
    client = await start_gateway(make_settings(failed_auth_limit="0.1:3"))
    for _ in range(5):
        await client.get("/api/v1/me", headers={"X-API-Key": "sck_00000000_guess"})
    assert (await client.get("/api/v1/me", headers={"X-API-Key": "sck_00000000_guess"})).status_code == 429
    # everyone else behind the same address (an Ingress, a ministry's NAT) still gets in
    me = await client.get("/api/v1/me", headers=bearer("operator", subject="ops@kominfo.go.id"))
    assert me.status_code == 200
    assert me.json()["subject"] == "ops@kominfo.go.id"


async def test_requests_without_credentials_are_401_and_never_count(start_gateway, make_settings, bearer):
    client = await start_gateway(make_settings(failed_auth_limit="0.1:3"))
    statuses = {(await client.get("/api/v1/regions")).status_code for _ in range(60)}
    assert statuses == {401}
    # the bucket is untouched: three failed guesses are still 401, the fourth 429
    bad = {"Authorization": "Bearer not.a.token"}
    assert [(await client.get("/api/v1/me", headers=bad)).status_code for _ in range(4)] == [401, 401, 401, 429]
    assert (await client.get("/api/v1/me", headers=bearer("partner"))).status_code == 200


async def test_behind_a_trusted_proxy_each_client_has_its_own_failure_count(
    start_gateway, make_settings, bearer, upstream
):
    # httpx's in-process transport calls from 127.0.0.1: here that is the Ingress
    client = await start_gateway(make_settings(failed_auth_limit="0.1:2", trusted_proxies="127.0.0.0/8, 10.0.0.0/8"))
    guesser = {"X-Forwarded-For": "203.0.113.7", "X-API-Key": "sck_00000000_guess"}
    assert [(await client.get("/api/v1/me", headers=guesser)).status_code for _ in range(3)] == [401, 401, 429]
    # another client behind the same proxy: its failures are its own
    other = {"X-Forwarded-For": "198.51.100.2", "Authorization": "Bearer wrong"}
    assert (await client.get("/api/v1/me", headers=other)).status_code == 401
    # a guesser that prepends a made-up address is still itself: the rightmost untrusted hop counts
    spoofed = {"X-Forwarded-For": "192.0.2.99, 203.0.113.7, 10.1.2.3", "X-API-Key": "sck_00000000_guess"}
    assert (await client.get("/api/v1/me", headers=spoofed)).status_code == 429
    # the services are told the client's address, not the proxy's
    ok = await client.get("/api/v1/regions", headers={"X-Forwarded-For": "198.51.100.2", **bearer("operator")})
    assert ok.status_code == 200
    assert upstream.headers_of_last()["x-forwarded-for"] == "198.51.100.2"


async def test_forwarding_headers_from_an_untrusted_peer_are_ignored(start_gateway, make_settings, upstream, bearer):
    client = await start_gateway(make_settings(failed_auth_limit="0.1:2", trusted_proxies="10.0.0.0/8"))
    statuses = []
    for n in range(3):  # a fresh X-Forwarded-For each time does not buy a fresh bucket
        headers = {"X-Forwarded-For": f"203.0.113.{n}", "Forwarded": f"for=198.51.100.{n}", "X-API-Key": "sck_x"}
        statuses.append((await client.get("/api/v1/me", headers=headers)).status_code)
    assert statuses == [401, 401, 429]
    await client.get("/api/v1/regions", headers={"X-Forwarded-For": "203.0.113.9", **bearer("operator")})
    assert upstream.headers_of_last()["x-forwarded-for"] == "127.0.0.1"


async def test_the_forwarded_header_when_configured(start_gateway, make_settings, upstream, bearer):
    client = await start_gateway(make_settings(trusted_proxies="127.0.0.1", forwarded_header="forwarded"))
    headers = {
        "Forwarded": 'for="[2001:db8::17]:4711";proto=https, for=127.0.0.1',
        "X-Forwarded-For": "203.0.113.50",  # not the configured header: whatever it says is ignored
        **bearer("operator"),
    }
    assert (await client.get("/api/v1/regions", headers=headers)).status_code == 200
    assert upstream.headers_of_last()["x-forwarded-for"] == "2001:db8::17"


def test_a_malformed_trusted_proxy_is_refused_at_start(make_settings):
    with pytest.raises(ValueError, match="GATEWAY_TRUSTED_PROXIES: 'ingress' is not an address or a network"):
        make_settings(trusted_proxies="10.0.0.0/8,ingress")
