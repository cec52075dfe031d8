"""Bearer tokens of the embedded issuer: the good one passes, every bad one is 401 and reaches no service."""

from __future__ import annotations

import base64
import hmac
import json
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from gateway.keys import load_or_create_signing_key
from smartcity_kit.identity import AUDIENCE, Caller, sign_identity


def _claims(**overrides) -> dict:
    now = int(time.time())
    claims = {
        "iss": "smartcity-gateway",
        "aud": "smartcity-api",
        "sub": "ops@kominfo.go.id",
        "role": "operator",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


@pytest.fixture
def sign(signing_key: Path):
    key = load_or_create_signing_key(str(signing_key))

    def make(**overrides) -> str:
        return jwt.encode(_claims(**overrides), key, algorithm="ES256", headers={"kid": "gateway"})

    return make


def _b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _flip(signature: str) -> str:
    """The same signature with its last bytes changed."""
    tail = "AAAAAA" if signature[-6:] != "AAAAAA" else "BBBBBB"
    return signature[:-6] + tail


def _hs256(secret: bytes, claims: dict) -> str:
    """The old algorithm-confusion trick: an HMAC keyed with the verifier's public key."""
    signing_input = _b64({"alg": "HS256", "typ": "JWT"}) + "." + _b64(claims)
    return signing_input + "." + _b64(hmac.new(secret, signing_input.encode(), "sha256").digest())


async def test_a_good_token_says_who_you_are(client, sign):
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {sign()}"})
    assert response.status_code == 200
    assert response.json() == {
        "subject": "ops@kominfo.go.id",
        "role": "operator",
        "region_code": None,
        "auth": "jwt",
        "organization": None,
    }


async def test_a_region_token_carries_its_region(client, sign):
    token = sign(role="region", region_code="32.73", sub="tim@bandung.go.id")
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.json() == {
        "subject": "tim@bandung.go.id",
        "role": "region",
        "region_code": "32.73",
        "auth": "jwt",
        "organization": None,
    }


def _bad_tokens(sign, signing_key: Path) -> dict[str, str]:
    now = int(time.time())
    good = sign()
    header, payload, signature = good.split(".")
    other_key = ec.generate_private_key(ec.SECP256R1())
    pem = (
        load_or_create_signing_key(str(signing_key))
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return {
        "expired": sign(exp=now - 120, iat=now - 800, nbf=now - 800),
        "not yet valid": sign(nbf=now + 300),
        "wrong audience": sign(aud="someone-else"),
        "wrong issuer": jwt.encode(_claims(iss="https://evil.example"), other_key, algorithm="ES256"),
        "our issuer, another key": jwt.encode(_claims(), other_key, algorithm="ES256"),
        "alg none": _b64({"alg": "none", "typ": "JWT"}) + "." + _b64(_claims(role="admin")) + ".",
        "HS256 keyed with our public key": _hs256(pem, _claims(role="admin")),
        "tampered payload": header + "." + _b64(_claims(role="admin")) + "." + signature,
        "tampered signature": f"{header}.{payload}.{_flip(signature)}",
        "no expiry": sign(exp=None),
        "unknown role": sign(role="superuser"),
        "region without region": sign(role="region"),
        "garbage": "not-a-jwt",
    }


async def test_every_bad_token_is_401_and_reaches_no_service(client, sign, signing_key, upstream):
    for name, token in _bad_tokens(sign, signing_key).items():
        for path in ("/api/v1/me", "/api/v1/regions"):
            response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (name, path, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert upstream.seen == []


async def test_a_token_within_the_clock_leeway_still_passes(client, sign):
    now = int(time.time())
    token = sign(nbf=now + 10, exp=now + 600)  # a provider whose clock runs 10 s ahead
    assert (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_other_schemes_and_no_credentials_are_401(client):
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        response = await client.get("/api/v1/regions", headers=headers)
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == 'Bearer realm="smartcity"'


async def test_identity_headers_sent_by_the_client_never_reach_a_service(client, bearer, upstream, internal_secret):
    forged = sign_identity(Caller(subject="root", role="admin"), internal_secret)  # even a validly signed one
    response = await client.get(
        "/api/v1/regions",
        headers={
            **bearer("partner", subject="kemenkeu"),
            "X-Smartcity-Identity": forged,
            "Cookie": "session=abc",
            "X-API-Key": "sck_ignored",
            "X-Forwarded-For": "10.0.0.1",
        },
    )
    assert response.status_code == 200
    seen = upstream.headers_of_last()
    assert seen["x-smartcity-identity"] != forged
    claims = jwt.decode(seen["x-smartcity-identity"], internal_secret, algorithms=["HS256"], audience=AUDIENCE)
    assert (claims["sub"], claims["role"]) == ("kemenkeu", "partner")
    assert "authorization" not in seen and "cookie" not in seen and "x-api-key" not in seen
    assert seen["x-forwarded-for"] == "127.0.0.1"  # the client's claim is replaced by what the gateway saw
    # nor does the service's cookie reach the client
    assert "set-cookie" not in response.headers
    assert response.headers["x-from"] == "upstream"


async def test_a_forged_identity_alone_is_not_a_credential(client, internal_secret, upstream):
    forged = sign_identity(Caller(subject="root", role="admin"), internal_secret)
    response = await client.get("/api/v1/regions", headers={"X-Smartcity-Identity": forged})
    assert response.status_code == 401
    assert upstream.seen == []


@pytest.mark.parametrize(
    "token",
    [
        _b64(b"\xff\xfe\xfd") + "." + _b64({"sub": "x"}) + ".c2ln",  # a header that is not UTF-8
        _b64({"alg": "ES256"}) + ".%%%." + "c2ln",  # a payload that is not base64
        "only-one-part",
    ],
)
async def test_a_malformed_token_gets_a_fixed_detail_not_the_parsers_message(client, upstream, token):
    response = await client.get("/api/v1/regions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The token is not valid."
    assert upstream.seen == []


async def test_an_expired_token_says_so(client, sign):
    response = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {sign(exp=int(time.time()) - 120)}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "The token has expired."
    assert response.json()["code"] == "credentials-expired"


async def test_two_authorization_headers_are_refused(client, sign, upstream):
    good = f"Bearer {sign()}"
    for pair in ([good, "Bearer forged"], ["Bearer forged", good], [good, good]):
        response = await client.get("/api/v1/regions", headers=[("Authorization", value) for value in pair])
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "Send one Authorization header (or one X-API-Key), not several."
        assert response.json()["code"] == "bad-request"
    response = await client.get("/api/v1/regions", headers=[("X-API-Key", "sck_a"), ("X-API-Key", "sck_b")])
    assert response.status_code == 400
    assert upstream.seen == []
