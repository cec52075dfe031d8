"""The real processes as a hostile client meets them: header and body size, WebSocket, no server banner, no
redirect to an internal address."""

from __future__ import annotations

import socket

import httpx
from smartcity_dev.platform import Platform

MiB = 1024 * 1024


def raw_exchange(port: int, request: bytes) -> bytes:
    """Sends `request` as is and reads the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def test_headers_past_16_kib_are_431_at_the_gateway(gateway: httpx.Client, bearer):
    response = gateway.get("/api/v1/regions", headers={"X-Pad": "a" * (17 * 1024), **bearer("operator")})
    assert response.status_code == 431
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "The request's headers are larger than 16384 bytes."
    assert gateway.get("/api/v1/regions", headers={"X-Pad": "a" * (15 * 1024), **bearer("operator")}).status_code == 200


def test_a_service_bounds_its_headers_too(platform: Platform):
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * (40 * 1024) + b"\r\n\r\n"
    answer = raw_exchange(platform.ports["participants"], request)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert b"The request's headers are larger than 32768 bytes." in answer


def test_a_json_body_past_1_mib_is_413(gateway: httpx.Client, bearer):
    response = gateway.post(
        "/api/v1/phases", content=b" " * (MiB + 1), headers={"Content-Type": "application/json", **bearer("operator")}
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "The request body is larger than this endpoint accepts (1048576 bytes)."


def test_no_answer_names_the_server_software(platform: Platform, gateway: httpx.Client, bearer):
    assert "server" not in gateway.get("/api/v1/regions", headers=bearer("operator")).headers
    assert "server" not in gateway.get("/healthz").headers
    for name in platform.services:
        assert "server" not in httpx.get(platform.url(name) + "/healthz").headers


def test_a_websocket_upgrade_is_a_400_problem_not_a_500(platform: Platform):
    answer = raw_exchange(
        platform.ports["gateway"],
        b"GET /api/v1/regions HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        b"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"application/problem+json" in answer
    assert b"This API speaks plain HTTP; it offers no WebSocket." in answer


def test_a_trailing_slash_is_a_404_not_a_redirect_to_an_internal_address(gateway: httpx.Client, bearer):
    for path in ("/api/v1/documents/", "/api/v1/regions/", "/api/v1/tracks/", "/api/v1/api-keys/"):
        response = gateway.get(path, headers={"Host": "evil.example", **bearer("operator")})
        assert response.status_code == 404, path
        assert "location" not in response.headers


def test_a_slow_upload_is_cut_and_its_connection_to_documents_given_back(platform: Platform, bearer):
    """A byte every half second never stalls, but is far below 1 KiB/s: cut once the 10 s of grace are over."""
    body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 ' + b"x" * 100_000
    head = (
        b"POST /api/v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        + f"Content-Length: {len(body)}\r\nAuthorization: {bearer('operator')['Authorization']}\r\n\r\n".encode()
    )
    with socket.create_connection(("127.0.0.1", platform.ports["gateway"]), timeout=60) as s:
        s.sendall(head)
        answer = b""
        s.settimeout(0.5)
        for sent in range(len(body)):
            try:
                s.sendall(body[sent : sent + 1])
            except OSError:
                break
            try:
                chunk = s.recv(65536)
            except TimeoutError:
                continue
            answer += chunk
            if not chunk or b"\r\n\r\n" in answer:
                break
        assert sent < 60  # cut within about 30 s at this pace, not after the 100 kB
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b"The request body arrives slower than 1024 bytes a second." in answer
