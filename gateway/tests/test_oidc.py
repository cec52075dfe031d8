"""Tokens of an OpenID Connect provider, whose discovery document and JWKS are served here over real HTTP."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
import orjson
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

AUDIENCE = "smartcity-platform"


@dataclass
class Provider:
    issuer: str = ""
    keys: dict[str, Any] = field(default_factory=dict)  # kid -> private key
    published: list[str] = field(default_factory=list)  # kids in the JWKS
    jwks_fetches: int = 0
    down: bool = False  # the JWKS endpoint answers 503

    def add_key(self, kid: str, kind: str = "RSA") -> None:
        key = rsa.generate_private_key(65537, 2048) if kind == "RSA" else ec.generate_private_key(ec.SECP256R1())
        self.keys[kid] = key
        self.published.append(kid)

    def jwks(self) -> dict[str, Any]:
        keys = []
        for kid in self.published:
            key = self.keys[kid]
            if isinstance(key, rsa.RSAPrivateKey):
                jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"alg": "RS256"}
            else:
                jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"alg": "ES256"}
            keys.append(jwk | {"kid": kid, "use": "sig"})
        return {"keys": keys}

    def token(self, kid: str, **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": AUDIENCE,
            "sub": str(uuid.uuid4()),
            "email": "ops@kominfo.go.id",
            "realm_access": {"roles": ["offline_access", "operator"]},
            "iat": now,
            "nbf": now,
            "exp": now + 300,
        }
        claims.update(overrides)
        key = self.keys[kid]
        algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "ES256"
        return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm, headers={"kid": kid})


@pytest.fixture(scope="module")
async def provider(serve_app):
    state = Provider()
    state.add_key("rsa-1", "RSA")
    state.add_key("ec-1", "EC")

    async def discovery(_: web.Request) -> web.Response:
        return web.json_response({"issuer": state.issuer, "jwks_uri": state.issuer + "/keys"})

    async def keys(_: web.Request) -> web.Response:
        state.jwks_fetches += 1
        if state.down:
            return web.Response(status=503)
        return web.Response(body=orjson.dumps(state.jwks()), content_type="application/json")

    app = web.Application()
    app.router.add_get("/realms/smartcity/.well-known/openid-configuration", discovery)
    app.router.add_get("/realms/smartcity/keys", keys)
    runner, port = await serve_app(app)
    state.issuer = f"http://127.0.0.1:{port}/realms/smartcity"
    yield state
    await runner.cleanup()


@pytest.fixture
def oidc_settings(make_settings, provider):
    def make(**overrides):
        values = {
            "oidc_issuer": provider.issuer,
            "oidc_audience": AUDIENCE,
            "oidc_jwks_min_refresh": 0,
            "claim_subject": "email",
            "claim_role": "realm_access.roles",
            "claim_region": "region",
        }
        return make_settings(**(values | overrides))

    return make


def auth_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_rs256_and_es256_tokens_pass_with_the_claims_mapped(start_gateway, oidc_settings, provider):
    client = await start_gateway(oidc_settings())
    for kid in ("rsa-1", "ec-1"):
        response = await client.get("/api/v1/me", headers=auth_header(provider.token(kid)))
        assert response.status_code == 200, response.text
        assert response.json() == {
            "subject": "ops@kominfo.go.id",
            "role": "operator",
            "region_code": None,
            "auth": "jwt",
            "organization": None,
        }
    token = provider.token("rsa-1", email="tim@bandung.go.id", realm_access={"roles": ["region"]}, region="32.73")
    assert (await client.get("/api/v1/me", headers=auth_header(token))).json()["region_code"] == "32.73"


async def test_a_new_key_is_fetched_when_a_token_names_it_and_a_dropped_one_stops_working(
    start_gateway, oidc_settings, provider
):
    client = await start_gateway(oidc_settings())
    old_token = provider.token("rsa-1", email="before@rotation")
    assert (await client.get("/api/v1/me", headers=auth_header(old_token))).status_code == 200
    fetches = provider.jwks_fetches

    provider.add_key("rsa-2", "RSA")  # the provider rotates: rsa-2 in, rsa-1 out
    provider.published.remove("rsa-1")
    response = await client.get("/api/v1/me", headers=auth_header(provider.token("rsa-2", email="after@rotation")))
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == "after@rotation"
    assert provider.jwks_fetches == fetches + 1

    # a token signed with the dropped key, not seen before by this gateway: refused
    response = await client.get("/api/v1/me", headers=auth_header(provider.token("rsa-1", email="late@rotation")))
    assert response.status_code == 401
    provider.published.append("rsa-1")


async def test_unknown_kids_do_not_make_the_gateway_hammer_the_provider(start_gateway, oidc_settings, provider):
    client = await start_gateway(oidc_settings(oidc_jwks_min_refresh=60))
    assert (await client.get("/api/v1/me", headers=auth_header(provider.token("ec-1")))).status_code == 200
    fetches = provider.jwks_fetches
    stranger = Provider(issuer=provider.issuer)
    for n in range(5):
        stranger.add_key(f"nobody-{n}", "EC")
        response = await client.get("/api/v1/me", headers=auth_header(stranger.token(f"nobody-{n}")))
        assert response.status_code == 401
    assert provider.jwks_fetches == fetches


async def test_after_a_failed_refresh_the_cached_keys_serve_and_the_provider_is_left_alone(
    start_gateway, oidc_settings, provider
):
    # keys past their ttl at every request: each one would ask the provider again
    client = await start_gateway(oidc_settings(oidc_jwks_ttl=0, oidc_jwks_min_refresh=60))
    assert (await client.get("/api/v1/me", headers=auth_header(provider.token("rsa-1")))).status_code == 200
    fetches = provider.jwks_fetches
    provider.down = True
    try:
        provider.add_key("rsa-3", "RSA")  # published, but the provider cannot hand it out now
        for _ in range(3):
            known = await client.get("/api/v1/me", headers=auth_header(provider.token("rsa-1")))
            assert known.status_code == 200, known.text  # the cached key still serves
            unknown = await client.get("/api/v1/me", headers=auth_header(provider.token("rsa-3")))
            assert unknown.status_code == 401, unknown.text
        assert provider.jwks_fetches == fetches + 1  # one failed attempt, then a wait of the minimum interval
    finally:
        provider.down = False
        provider.published.remove("rsa-3")


async def test_bad_provider_tokens_are_401(start_gateway, oidc_settings, provider, upstream):
    client = await start_gateway(oidc_settings())
    now = int(time.time())
    bad = {
        "expired": provider.token("rsa-1", exp=now - 120, iat=now - 900, nbf=now - 900),
        "not yet valid": provider.token("rsa-1", nbf=now + 600),
        "wrong audience": provider.token("rsa-1", aud="another-app"),
        "no audience": provider.token("rsa-1", aud=None),
        "no role": provider.token("rsa-1", realm_access={"roles": ["offline_access"]}),
        "region without region": provider.token("ec-1", realm_access={"roles": ["region"]}),
        "alg none": jwt.encode({"iss": provider.issuer, "aud": AUDIENCE, "exp": now + 60}, None, algorithm="none"),
        "rs256 header on an ec key": _swap_alg(provider.token("ec-1"), "RS256"),
    }
    for name, token in bad.items():
        response = await client.get("/api/v1/regions", headers=auth_header(token))
        assert response.status_code == 401, (name, response.text)
    assert upstream.seen == []


async def test_an_unreachable_provider_is_503_not_a_hang(start_gateway, make_settings, provider, unused_port):
    settings = make_settings(oidc_issuer=f"http://127.0.0.1:{unused_port()}/realms/x", oidc_audience=AUDIENCE)
    client = await start_gateway(settings)
    token = provider.token("rsa-1", iss=settings.oidc_issuer)
    response = await client.get("/api/v1/me", headers=auth_header(token))
    assert response.status_code == 503
    assert response.headers["retry-after"] == "10"


async def test_the_embedded_issuer_still_works_beside_the_provider(start_gateway, oidc_settings, bearer):
    client = await start_gateway(oidc_settings())
    response = await client.get("/api/v1/me", headers=bearer("partner", subject="kemenkeu"))
    assert response.json() == {
        "subject": "kemenkeu",
        "role": "partner",
        "region_code": None,
        "auth": "jwt",
        "organization": None,
    }


def _swap_alg(token: str, algorithm: str) -> str:
    import base64
    import json

    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    decoded["alg"] = algorithm
    new_header = base64.urlsafe_b64encode(json.dumps(decoded).encode()).decode().rstrip("=")
    return f"{new_header}.{payload}.{signature}"


async def test_with_the_embedded_issuer_off_its_tokens_are_refused(start_gateway, oidc_settings, bearer, provider):
    client = await start_gateway(oidc_settings(embedded_issuer=False))
    assert (await client.get("/api/v1/me", headers=bearer("admin"))).status_code == 401
    assert (await client.get("/api/v1/me", headers=auth_header(provider.token("ec-1")))).status_code == 200
