"""Who is calling: bearer tokens (the OIDC provider's or the embedded issuer's) and API keys.

A token is verified once and the result cached for the token's life; the hot
path then costs one dictionary lookup.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import jwt
import structlog
from smartcity_kit.generic_problems import BAD_REQUEST
from smartcity_kit.identity import ROLES, Caller, Role
from smartcity_kit.problems import AppError, ServiceUnavailable, Unauthorized

from .jwks import ALGORITHMS, JwksCache, JwksError
from .keys import load_or_create_signing_key
from .problems import CREDENTIALS_EXPIRED
from .settings import Settings

if TYPE_CHECKING:
    from .apikeys.store import ApiKeyStore

_CACHE_MAX = 10_000
log = structlog.get_logger("auth")


class NoCredentials(Unauthorized):
    """The request carries no credentials at all: a plain 401, not a failed guess."""


def credentials_of(headers: list[tuple[bytes, bytes]]) -> tuple[str, str] | None:
    """("bearer", token) or ("api_key", key) from the headers, None when there are none.

    Two Authorization (or X-API-Key) headers are refused (400): servers and
    proxies disagree on which of them counts, and the gateway must not pick one
    that a service or a log reads differently.
    """
    authorization = [value for name, value in headers if name == b"authorization"]
    api_keys = [value for name, value in headers if name == b"x-api-key"]
    if len(authorization) > 1 or len(api_keys) > 1:
        raise AppError(BAD_REQUEST, "Send one Authorization header (or one X-API-Key), not several.")
    if authorization:
        scheme, _, token = authorization[0].decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("Use 'Authorization: Bearer <token>'.")
        return "bearer", token.strip()
    if api_keys:
        return "api_key", api_keys[0].decode("latin-1").strip()
    return None


def invalid_token(exc: Exception) -> Unauthorized:
    """A fixed detail for the caller (a parser's message tells an attacker how far a forgery got); the reason is
    logged."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        return Unauthorized("The token has expired.", problem=CREDENTIALS_EXPIRED)
    log.info("token refused", reason=str(exc)[:200])
    return Unauthorized("The token is not valid.")


class Authenticator:
    def __init__(self, settings: Settings, api_keys: ApiKeyStore | None = None) -> None:
        self.settings = settings
        self.api_keys = api_keys
        self.embedded_key = (
            load_or_create_signing_key(settings.signing_key_path).public_key() if settings.embedded_issuer else None
        )
        self.jwks = (
            JwksCache(
                issuer=settings.oidc_issuer,
                jwks_url=settings.oidc_jwks_url,
                ttl=settings.oidc_jwks_ttl,
                min_refresh=settings.oidc_jwks_min_refresh,
            )
            if settings.oidc_issuer
            else None
        )
        self._cache: dict[str, tuple[Caller, float]] = {}

    async def close(self) -> None:
        if self.jwks is not None:
            await self.jwks.close()

    async def authenticate(self, headers: list[tuple[bytes, bytes]]) -> Caller:
        found = credentials_of(headers)
        if found is None:
            raise NoCredentials()
        kind, value = found
        if kind == "bearer":
            return await self.verify_bearer(value)
        if self.api_keys is None:
            raise Unauthorized("API keys are not enabled on this gateway.")
        return await self.api_keys.caller_for(value)

    async def verify_bearer(self, token: str) -> Caller:
        hit = self._cache.get(token)
        if hit is not None and hit[1] > time.time():
            return hit[0]
        caller, expires = await self._verify(token)
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[token] = (caller, expires)
        return caller

    async def _verify(self, token: str) -> tuple[Caller, float]:
        s = self.settings
        try:
            header = jwt.get_unverified_header(token)
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.PyJWTError as exc:
            raise invalid_token(exc) from exc
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise Unauthorized(
                "The token is not valid. Accepted algorithms: {algorithms}.", algorithms=", ".join(ALGORITHMS)
            )
        if self.embedded_key is not None and issuer == s.issuer:
            key, audience, embedded = self.embedded_key, s.audience, True
            if algorithm != "ES256":
                raise Unauthorized("The token is not valid. The embedded issuer signs with ES256.")
        elif self.jwks is not None and issuer == s.oidc_issuer:
            try:
                key_algorithm, key = await self.jwks.key_for(header.get("kid"))
            except JwksError as exc:
                raise ServiceUnavailable("The identity provider's keys are not reachable.", retry_after=10) from exc
            except jwt.PyJWTError as exc:
                raise invalid_token(exc) from exc
            if key_algorithm != algorithm:
                raise Unauthorized("The token is not valid. The algorithm does not match the key.")
            audience, embedded = s.oidc_audience, False
        else:
            raise Unauthorized("The token is not valid. It comes from an issuer this gateway does not trust.")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=audience,
                issuer=issuer,
                leeway=s.clock_leeway,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise invalid_token(exc) from exc
        if embedded:
            caller = caller_from_claims(claims, subject="sub", role="role", region="region_code")
        else:
            caller = caller_from_claims(claims, subject=s.claim_subject, role=s.claim_role, region=s.claim_region)
        return caller, float(claims["exp"])


def claim(claims: dict[str, Any], path: str) -> Any:
    """A claim by name; a dotted path reaches into objects (`realm_access.roles`)."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def caller_from_claims(claims: dict[str, Any], *, subject: str, role: str, region: str) -> Caller:
    sub = claim(claims, subject)
    if not sub:
        raise Unauthorized("The token carries no '{claim}' claim.", claim=subject)
    value = claim(claims, role)
    # a provider may give a list of roles: the strongest known one counts
    found = next((r for r in ROLES if r in value), None) if isinstance(value, list) else value
    if found not in ROLES:
        raise Unauthorized("The token carries no known role.")
    region_code = claim(claims, region)
    if found == Role.REGION and not region_code:
        raise Unauthorized("A region token must carry a region code.")
    return Caller(
        subject=str(sub),
        role=Role(found),
        region_code=str(region_code) if found == Role.REGION else None,
    )
