"""What the client sees when a service is down or slow, readiness, and CORS."""

from __future__ import annotations

import hashlib
import re


async def test_a_service_that_does_not_answer_is_503_with_retry_after(
    start_gateway, make_settings, bearer, unused_port
):
    client = await start_gateway(make_settings(participants_url=f"http://127.0.0.1:{unused_port()}"))
    response = await client.get("/api/v1/regions", headers=bearer("partner"))
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["detail"] == "The participants service is not available; retry shortly."


async def test_a_slow_service_is_504_after_the_configured_timeout(start_gateway, make_settings, bearer, upstream):
    client = await start_gateway(make_settings(upstream_timeout=0.2))
    upstream.delay = 1.0
    response = await client.get("/api/v1/regions", headers=bearer("partner"))
    assert response.status_code == 504
    assert response.headers["retry-after"] == "5"
    assert response.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/gateway-timeout",
        "code": "gateway-timeout",
        "title": "Service too slow",
        "status": 504,
        "detail": "The participants service did not answer in time.",
    }
    indonesian = await client.get("/api/v1/regions", headers={**bearer("partner"), "Accept-Language": "id"})
    assert (indonesian.status_code, indonesian.headers["content-language"]) == (504, "id")
    assert (indonesian.json()["title"], indonesian.json()["detail"]) == (
        "Layanan terlalu lambat",
        "Layanan participants tidak menjawab tepat waktu.",
    )


async def test_a_service_outside_the_deployment_is_503(start_gateway, make_settings, bearer):
    client = await start_gateway(make_settings(services="participants"))
    response = await client.get("/api/v1/curriculum", headers=bearer("partner"))
    assert response.status_code == 503
    assert response.json()["detail"] == "The mentoring service is not part of this deployment."
    assert response.json()["code"] == "service-unavailable"


async def test_readiness_names_each_service_and_the_gateway_database(start_gateway, make_settings, unused_port):
    ready = await start_gateway(make_settings())
    response = await ready.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "services": {
            "participants": "ready",
            "mentoring": "ready",
            "documents": "ready",
            "monitoring": "ready",
            "reports": "ready",
            "webhooks": "ready",
            "gateway_database": "ready",
        },
    }
    half = await start_gateway(make_settings(documents_url=f"http://127.0.0.1:{unused_port()}"))
    response = await half.get("/readyz")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "5"
    assert response.json()["services"]["documents"] == "unavailable"
    assert response.json()["services"]["participants"] == "ready"


async def test_the_gateways_own_readiness_ignores_a_service_down(start_gateway, make_settings, unused_port, bearer):
    """The Kubernetes probe: with documents down the gateway still serves the others, so it stays ready."""
    half = await start_gateway(make_settings(documents_url=f"http://127.0.0.1:{unused_port()}"))
    assert (await half.get("/readyz")).status_code == 503
    own = await half.get("/readyz/gateway")
    assert (own.status_code, own.json()) == (200, {"status": "ready"})
    assert (await half.get("/api/v1/regions", headers=bearer("partner"))).status_code == 200
    missing = await half.get("/api/v1/documents", headers=bearer("partner"))
    assert (missing.status_code, missing.headers["content-type"]) == (503, "application/problem+json")


async def test_an_unknown_api_path_is_404_after_authentication(client, bearer):
    assert (await client.get("/api/v1/nothing-here")).status_code == 401
    response = await client.get("/api/v1/nothing-here", headers=bearer("operator"))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_request_id_is_kept_or_made_and_passed_on(client, bearer, upstream):
    response = await client.get("/api/v1/regions", headers={**bearer("partner"), "X-Request-ID": "trace-42"})
    assert response.headers["x-request-id"] == "trace-42"
    assert upstream.headers_of_last()["x-request-id"] == "trace-42"
    response = await client.get("/api/v1/regions", headers=bearer("partner"))
    assert len(response.headers["x-request-id"]) == 32
    assert upstream.headers_of_last()["x-request-id"] == response.headers["x-request-id"]


async def test_cors_allows_only_the_configured_origins(make_settings, bearer):
    import httpx
    from gateway.main import Gateway

    gateway = Gateway(make_settings(cors_origins="https://portal.smartcity.go.id"))
    app = gateway.served()
    async with (
        gateway.running(),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway") as client,
    ):
        preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
        ok = await client.options(
            "/api/v1/participants", headers={"Origin": "https://portal.smartcity.go.id", **preflight}
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://portal.smartcity.go.id"
        refused = await client.options("/api/v1/participants", headers={"Origin": "https://evil.example", **preflight})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        response = await client.get(
            "/api/v1/me", headers={"Origin": "https://portal.smartcity.go.id", **bearer("mentor")}
        )
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "https://portal.smartcity.go.id"
        assert "x-request-id" in response.headers["access-control-expose-headers"]


async def test_large_bodies_stream_through_both_ways(client, bearer):
    download = await client.get("/api/v1/documents/d-1/content", headers={**bearer("partner"), "x-big-download": "1"})
    assert download.status_code == 200
    assert download.content == b"".join(bytes([n]) * 65536 for n in range(48))

    upload = bytes(range(256)) * 20_000  # about 5 MB: an upload (a JSON body would be refused past 1 MiB)
    response = await client.post(
        "/api/v1/documents/d-1/versions",
        content=upload,
        headers={**bearer("operator"), "content-type": "application/octet-stream", "x-echo-digest": "1"},
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"size": len(upload), "sha256": hashlib.sha256(upload).hexdigest()}


async def test_a_client_that_goes_away_mid_upload_gets_nothing_and_breaks_nothing(client, bearer, raw_asgi):
    headers = {
        **bearer("operator"),
        "content-length": "100000",
        "content-type": "application/octet-stream",
        "x-echo-digest": "1",
    }
    gone = [{"type": "http.request", "body": b"x" * 1000, "more_body": True}, {"type": "http.disconnect"}]
    sent = await raw_asgi(client._transport.app, "POST", "/api/v1/documents/d-1/versions", headers, gone)
    assert [m for m in sent if m["type"] == "http.response.start" and m["status"] >= 500] == []
    # and the gateway goes on serving
    assert (await client.get("/api/v1/regions", headers=bearer("partner"))).status_code == 200


async def test_metrics_count_requests_by_target_and_status(client, bearer):
    await client.get("/api/v1/regions", headers=bearer("partner"))
    await client.get("/api/v1/regions")
    await client.get("/api/v1/me", headers=bearer("partner"))
    text = (await client.get("/metrics")).text
    assert 'gateway_requests_total{status="200",target="participants"} 1.0' in text
    assert 'gateway_requests_total{status="401",target="gateway"} 1.0' in text
    assert 'gateway_requests_total{status="200",target="gateway"} 1.0' in text
    assert 'gateway_request_duration_seconds_count{target="participants"} 1.0' in text
    # the process and the interpreter, and the API keys' database pool, beside the requests
    assert re.search(r"^process_resident_memory_bytes [1-9]", text, re.M)
    assert 'python_gc_objects_collected_total{generation="0"}' in text
    assert re.search(r"^db_pool_size [1-9]", text, re.M)
    assert re.search(r"^db_pool_connections_in_use \d", text, re.M)


async def test_a_client_that_leaves_mid_download_stops_the_stream(client, bearer, raw_asgi):
    leaving = [{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}]
    sent = await raw_asgi(
        client._transport.app,
        "GET",
        "/api/v1/documents/d-1/content",
        {**bearer("partner"), "x-big-download": "1"},
        leaving,
    )
    assert sent[0]["status"] == 200
    body_messages = [m for m in sent if m["type"] == "http.response.body"]
    received = sum(len(m["body"]) for m in body_messages)
    assert received < 1 << 20, received  # of 3 MiB: the gateway stopped reading soon after the client left
