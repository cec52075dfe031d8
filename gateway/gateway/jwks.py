"""The OpenID Connect provider's signing keys: fetched, cached, refetched when a token names an unknown `kid`.

A failed fetch is not tried again for `min_refresh` seconds, whatever asks (an
unknown `kid` or keys past their `ttl`): while the provider is down the gateway
goes on with the keys it has, and no request waits on a provider known to be down.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from typing import Any

import aiohttp
import jwt
import structlog
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

log = structlog.get_logger("jwks")

ALGORITHMS = ("RS256", "ES256")


class JwksError(Exception):
    """The provider's keys could not be had."""


class JwksCache:
    def __init__(
        self,
        *,
        issuer: str,
        jwks_url: str = "",
        ttl: float = 3600.0,
        min_refresh: float = 10.0,
        timeout: float = 5.0,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.jwks_url = jwks_url
        self.ttl = ttl
        self.min_refresh = min_refresh
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._keys: dict[str, tuple[str, Any]] = {}  # kid -> (algorithm, public key)
        self._fetched_at = 0.0
        self._failed_at = -math.inf
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def key_for(self, kid: str | None) -> tuple[str, Any]:
        """(algorithm, key) for the token's `kid`; refetches once when the kid is new to us."""
        if self._stale(time.monotonic()):
            await self._refresh(unknown_kid=False)
        found = self._find(kid)
        if found is None:
            await self._refresh(unknown_kid=True)
            found = self._find(kid)
        if found is None:
            raise jwt.InvalidKeyError(f"no key '{kid}' in the provider's JWKS")
        return found

    def _find(self, kid: str | None) -> tuple[str, Any] | None:
        if kid is None:
            return next(iter(self._keys.values())) if len(self._keys) == 1 else None
        return self._keys.get(kid)

    def _stale(self, now: float) -> bool:
        return now - self._fetched_at > self.ttl

    async def _refresh(self, *, unknown_kid: bool) -> None:
        async with self._lock:
            now = time.monotonic()
            if now - self._failed_at < self.min_refresh:  # the provider failed a moment ago: no new attempt yet
                if not self._keys:
                    raise JwksError("The identity provider's keys are not reachable.")
                return
            # another request may have refreshed while we waited; an unknown kid does not hammer the provider
            if (unknown_kid and now - self._fetched_at < self.min_refresh) or not (unknown_kid or self._stale(now)):
                return
            try:
                document = await self._get_json(await self._jwks_url())
            except (TimeoutError, aiohttp.ClientError, ValueError) as exc:
                self._failed_at = time.monotonic()
                log.warning("jwks fetch failed", error=repr(exc), retry_after=self.min_refresh, cached=len(self._keys))
                if not self._keys:
                    raise JwksError("The identity provider's keys are not reachable.") from exc
                return
            self._keys = parse_jwks(document)
            self._fetched_at = time.monotonic()
            self._failed_at = -math.inf
            log.info("jwks fetched", kids=sorted(self._keys))

    async def _jwks_url(self) -> str:
        if not self.jwks_url:
            config = await self._get_json(self.issuer + "/.well-known/openid-configuration")
            self.jwks_url = str(config["jwks_uri"])
        return self.jwks_url

    async def _get_json(self, url: str) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout, cookie_jar=aiohttp.DummyCookieJar())
        async with self._session.get(url) as response:
            response.raise_for_status()
            return json.loads(await response.read())


def parse_jwks(document: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Signing keys of the kinds we accept; others (encryption keys, HS, unknown curves) are left out."""
    keys: dict[str, tuple[str, Any]] = {}
    for jwk in document.get("keys", []):
        if jwk.get("use", "sig") != "sig":
            continue
        kty, alg = jwk.get("kty"), jwk.get("alg")
        try:
            if kty == "RSA" and alg in (None, "RS256"):
                keys[str(jwk.get("kid", ""))] = ("RS256", RSAAlgorithm.from_jwk(jwk))
            elif kty == "EC" and jwk.get("crv") == "P-256" and alg in (None, "ES256"):
                keys[str(jwk.get("kid", ""))] = ("ES256", ECAlgorithm.from_jwk(jwk))
        except (jwt.InvalidKeyError, ValueError, KeyError):
            log.warning("jwks key skipped", kid=jwk.get("kid"))
    return keys
