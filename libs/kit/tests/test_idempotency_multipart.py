"""The idempotency fingerprint of a multipart body ignores its random boundary, wherever the chunks split it."""

from __future__ import annotations

from smartcity_kit.idempotency import _BodyDigest


def scope(boundary: str | None) -> dict:
    headers = [(b"content-type", f"multipart/form-data; boundary={boundary}".encode())] if boundary else []
    return {"method": "POST", "path": "/api/v1/x", "headers": headers}


def body(boundary: str, payload: bytes = b"%PDF-1.7 payload") -> bytes:
    return (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n'.encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )


def digest(boundary: str | None, data: bytes, step: int) -> str:
    d = _BodyDigest(scope(boundary))
    for i in range(0, len(data), step):
        d.update(data[i : i + step])
    return d.hexdigest()


def test_the_same_form_with_another_boundary_has_the_same_fingerprint_in_any_chunking():
    reference = digest("aaaa1111", body("aaaa1111"), 1 << 16)
    for step in (1, 3, 8, 9, 1 << 16):
        assert digest("bbbb2222", body("bbbb2222"), step) == reference
    assert digest("bbbb2222", body("bbbb2222", b"other bytes"), 5) != reference


def test_other_bodies_are_hashed_as_they_are():
    assert digest(None, b"--aaaa1111 x", 3) != digest(None, b"--bbbb2222 x", 3)
