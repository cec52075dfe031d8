"""Who is calling: bearer tokens verified once and cached for the token's life."""

from __future__ import annotations

import time

import jwt
from smartcity_kit.identity import ROLES, Caller
from smartcity_kit.problems import Unauthorized

from .keys import load_or_create_signing_key
from .settings import Settings

_CACHE_MAX = 10_000


class Authenticator:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.public_key = load_or_create_signing_key(settings.signing_key_path).public_key()
        self._cache: dict[str, tuple[Caller, float]] = {}

    def verify_bearer(self, token: str) -> Caller:
        hit = self._cache.get(token)
        now = time.time()
        if hit is not None and hit[1] > now:
            return hit[0]
        try:
            claims = jwt.decode(
                token,
                self.public_key,
                algorithms=["ES256"],
                audience=self.settings.audience,
                issuer=self.settings.issuer,
                leeway=30,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"The token is not valid: {exc}.") from exc
        caller = caller_from_claims(claims, auth="jwt")
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[token] = (caller, float(claims["exp"]))
        return caller

    def authenticate(self, headers: dict[bytes, bytes]) -> Caller:
        authorization = headers.get(b"authorization")
        if authorization:
            scheme, _, token = authorization.decode("latin-1").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise Unauthorized("Use 'Authorization: Bearer <token>'.")
            return self.verify_bearer(token.strip())
        raise Unauthorized()


def caller_from_claims(claims: dict, *, auth: str) -> Caller:
    role = claims.get("role")
    if role not in ROLES:
        raise Unauthorized("The token carries no known role.")
    region_code = claims.get("region_code")
    if role == "region" and not region_code:
        raise Unauthorized("A region token must carry a region_code.")
    return Caller(
        subject=str(claims["sub"]), role=role, region_code=region_code if role == "region" else None, auth=auth
    )
