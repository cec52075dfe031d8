"""The gateway bounds every body that is not an upload (413) and refuses WebSocket upgrades (400)."""

from __future__ import annotations

from gateway.main import Gateway

MiB = 1024 * 1024


def chunks(total: int, size: int = 64 * 1024):
    async def generate():
        sent = 0
        while sent < total:
            piece = min(size, total - sent)
            sent += piece
            yield b" " * piece

    return generate()


async def test_a_json_body_declared_past_the_limit_is_413_before_it_is_read(client, bearer, upstream):
    response = await client.post(
        "/api/v1/participants",
        content=b"[" + b"0," * (MiB // 2) + b"0]",
        headers={"Content-Type": "application/json", **bearer("operator")},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The request body is larger than this endpoint accepts (1048576 bytes)."
    assert upstream.seen == []


async def test_the_declared_length_is_judged_without_reading_the_body(make_settings, bearer, raw_asgi):
    gateway = Gateway(make_settings())
    async with gateway.running():
        headers = {"content-length": str(100 * MiB), "content-type": "application/json", **bearer("operator")}
        body = [{"type": "http.request", "body": b"{", "more_body": True}]  # the rest never comes
        sent = await raw_asgi(gateway, "POST", "/api/v1/phases", headers, body)
    assert sent[0]["status"] == 413
    assert body == [{"type": "http.request", "body": b"{", "more_body": True}]  # not a message was taken


async def test_a_body_without_a_length_is_cut_when_it_passes_the_limit(client, bearer, upstream):
    response = await client.post(
        "/api/v1/phases",
        content=chunks(3 * MiB),
        headers={"Content-Type": "application/json", **bearer("operator")},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than this endpoint accepts (1048576 bytes)."
    assert upstream.seen == []  # the service never got a whole request


async def test_the_limit_is_configurable_and_exact(make_settings, start_gateway, bearer, upstream):
    client = await start_gateway(make_settings(max_body_bytes=1000))
    headers = {"Content-Type": "application/json", **bearer("operator")}
    assert (await client.post("/api/v1/phases", content=b" " * 1000, headers=headers)).status_code == 200
    assert (await client.post("/api/v1/phases", content=b" " * 1001, headers=headers)).status_code == 413
    assert (await client.post("/api/v1/phases", content=chunks(1000, 100), headers=headers)).status_code == 200
    assert (await client.post("/api/v1/phases", content=chunks(1001, 100), headers=headers)).status_code == 413
    assert len(upstream.seen) == 2


async def test_the_gateways_own_endpoints_are_bounded_too(client, bearer):
    response = await client.post(
        "/api/v1/api-keys",
        content=chunks(2 * MiB),
        headers={"Content-Type": "application/json", **bearer("admin")},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


async def test_uploads_stream_through_past_the_json_limit(client, bearer, upstream):
    payload = bytes(range(256)) * (12 * 1024)  # 3 MiB
    response = await client.post(
        "/api/v1/tracks/t-1/deliverables",  # not an upload route: refused
        content=payload,
        headers={"Content-Type": "application/octet-stream", "X-Echo-Digest": "1", **bearer("region", "32.73")},
    )
    assert response.status_code == 413
    for path in ("/api/v1/documents", "/api/v1/documents/0b7e/versions", "/api/v1/regions/import"):
        response = await client.post(
            path, files={"file": ("plan.pdf", payload, "application/pdf")}, headers=bearer("operator")
        )
        assert response.status_code == 200, path
        assert upstream.seen[-1].path == path
    streamed = await client.post(
        "/api/v1/regions/import", content=chunks(3 * MiB), headers={"Content-Type": "text/csv", **bearer("operator")}
    )
    assert streamed.status_code == 200  # (the stand-in answers 200 to every path)
    assert upstream.seen[-1].path == "/api/v1/regions/import"


async def test_a_websocket_upgrade_is_a_400_problem(client, bearer, upstream):
    for path, headers in (
        ("/api/v1/regions", {}),
        ("/api/v1/regions", bearer("operator")),
        ("/healthz", {}),
        ("/docs", {}),
    ):
        response = await client.get(
            path,
            headers={
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                **headers,
            },
        )
        assert response.status_code == 400, path
        assert response.json()["detail"] == "This API speaks plain HTTP; it offers no WebSocket."
    assert upstream.seen == []
