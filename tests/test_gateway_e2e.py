"""The gateway as a process: its docs in a real browser, and two replicas sharing Redis and the database."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from smartcity_dev.platform import BIN, Platform, free_port
from smartcity_dev.testing import skip_without
from smartcity_kit.identity import Caller, sign_identity

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REDIS_URL = os.environ.get("GATEWAY_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def test_docs_render_the_operations_of_every_service_in_a_browser(platform: Platform, gateway: httpx.Client):
    if not Path(CHROMIUM).exists():
        skip_without("chromium", "chromium is not installed (apt-get install chromium); .ci/run installs it")
    document = gateway.get("/openapi.json").json()
    expected: dict[str, set[str]] = {name: set() for name in (*platform.services, "gateway")}
    for item in document["paths"].values():
        for operation in item.values():
            owner = operation["operationId"].split(".", 1)[0]
            if owner in expected:
                tag = (operation.get("tags") or ["default"])[0]
                # Swagger UI's element id: the operation id CSS-escaped (its dot as `\.`)
                escaped = operation["operationId"].replace(".", "\\.")
                expected[owner].add(f'id="operations-{tag}-{escaped}"')
    assert all(expected.values()), expected  # every service running here has operations in the document

    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=20000",
                "--dump-dom",
                platform.url() + "/docs",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    dom = result.stdout
    assert 'class="swagger-ui' in dom, result.stderr[-2000:]
    for service, ids in expected.items():
        missing = [i for i in ids if i not in dom]
        assert not missing, f"{service}: not rendered {missing}"
    assert "/api/v1/events/{service}" in re.sub(r"<[^>]+>", "", dom).replace("\u200b", "")


def test_a_service_refuses_an_identity_signed_with_another_secret(platform: Platform):
    forged = sign_identity(Caller(subject="x", role="admin"), "a-secret-of-32-characters-or-more-but-wrong")
    response = httpx.get(platform.url("participants") + "/api/v1/regions", headers={"X-Smartcity-Identity": forged})
    assert response.status_code == 401
    genuine = sign_identity(Caller(subject="x", role="partner"), platform.internal_secret)
    response = httpx.get(platform.url("participants") + "/api/v1/regions", headers={"X-Smartcity-Identity": genuine})
    assert response.status_code == 200


def _redis_answers() -> bool:
    match = re.match(r"redis://([^:/]+)(?::(\d+))?", REDIS_URL)
    if not match:
        return False
    try:
        with socket.create_connection((match[1], int(match[2] or 6379)), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="module")
def replicas(platform: Platform) -> Iterator[list[str]]:
    """Two more gateway processes in front of the same services, sharing Redis and the database."""
    if not _redis_answers():
        skip_without(
            "redis", f"no Redis answers at {REDIS_URL}; the shared rate limit across replicas is not tested here"
        )
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        env = platform.environ() | {
            "GATEWAY_PORT": str(port),
            "GATEWAY_REDIS_URL": REDIS_URL,
            "GATEWAY_RATE_LIMITS": "partner=0.02:6,operator=50:100,admin=50:100",
            # a long memory of found keys: only the revocation notice can make the other replica forget in time
            "GATEWAY_API_KEY_CACHE_SECONDS": "30",
        }
        log = open(platform.root / f"gateway-replica-{port}.log", "ab")  # noqa: SIM115 (lives with the process)
        processes.append(subprocess.Popen([str(BIN / "gateway-serve")], env=env, stdout=log, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, f"{url} did not start"
                time.sleep(0.1)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_replicas_enforce_one_rate_limit_through_redis(replicas: list[str], bearer):
    headers = bearer("partner", subject=f"kemenkeu-{uuid.uuid4().hex[:8]}")
    statuses = []
    for n in range(8):
        statuses.append(httpx.get(replicas[n % 2] + "/api/v1/me", headers=headers).status_code)
    assert statuses == [200] * 6 + [429, 429]
    refused = httpx.get(replicas[0] + "/api/v1/me", headers=headers)
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 50


def test_a_key_revoked_on_one_replica_is_refused_by_the_other_at_once(replicas: list[str], bearer):
    first, second = replicas
    created = httpx.post(
        first + "/api/v1/api-keys", json={"name": "PUPR sync", "role": "partner"}, headers=bearer("operator")
    ).json()
    key = {"X-API-Key": created["key"]}
    assert httpx.get(second + "/api/v1/me", headers=key).json()["auth"] == "api_key"  # remembered by the second
    assert httpx.delete(f"{first}/api/v1/api-keys/{created['id']}", headers=bearer("admin")).status_code == 204
    deadline = time.monotonic() + 3  # the notice left at commit; far within the 30 s the key would be remembered
    while (status := httpx.get(second + "/api/v1/me", headers=key).status_code) != 401 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert status == 401


def test_each_request_leaves_one_access_line_with_request_id_caller_status_and_duration(
    platform: Platform, gateway: httpx.Client, bearer
):
    probe = f"probe-{uuid.uuid4().hex}"
    response = gateway.get(
        "/api/v1/regions?limit=1", headers={**bearer("partner", subject="bps"), "X-Request-ID": probe}
    )
    assert response.status_code == 200
    log = platform.root / "logs" / "gateway.log"
    deadline = time.monotonic() + 5  # the line is written once the response has gone, so it may lag a little
    while True:
        lines = [json.loads(line) for line in log.read_text().splitlines() if probe in line]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    access = [line for line in lines if line.get("event") == "request"]
    assert len(access) == 1, lines
    line = access[0]
    assert (line["request_id"], line["caller"], line["status"], line["method"], line["path"]) == (
        probe,
        "partner:bps",
        200,
        "GET",
        "/api/v1/regions",
    )
    assert line["service"] == "gateway" and line["duration_ms"] > 0


def test_every_route_a_service_offers_has_a_route_class_in_the_gateways_table(platform: Platform):
    """The gateway refuses a route its table does not name (deny unless listed): a new endpoint it routes to a
    service needs its line. (A path the gateway routes to no service, like a service's own audit trail before
    the gateway names it, is a 404 there whatever the table says.)"""
    from gateway.policy import route_class
    from gateway.routing import owner_of
    from smartcity_kit.problems import HTTP_METHODS

    unnamed = []
    for service in platform.services:
        document = httpx.get(platform.url(service) + "/openapi.json").json()
        for path, item in document["paths"].items():
            concrete = re.sub(r"\{[^}]+\}", "x", path)
            for method in item:
                routed = owner_of(concrete) == service
                if routed and method in HTTP_METHODS and route_class(method.upper(), concrete) is None:
                    unnamed.append(f"{service}: {method.upper()} {path}")
    assert unnamed == [], "add these to ROUTE_CLASSES in gateway/gateway/policy.py"
