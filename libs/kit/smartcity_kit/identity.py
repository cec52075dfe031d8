"""The caller's identity as the gateway vouches for it.

The gateway verifies the client's token or API key, then forwards the identity
to the services as a short-lived JWT signed with the internal secret, in the
`X-Smartcity-Identity` header. Services trust nothing else: a request to
`/api/v1/...` without a valid one is 401.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Final, Literal

import jwt
from fastapi import Depends, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from .i18n import language_of
from .problems import Forbidden, Unauthorized

IDENTITY_HEADER = "x-smartcity-identity"
_IDENTITY_HEADER = IDENTITY_HEADER.encode()
AUDIENCE = "smartcity-internal"
LEEWAY_SECONDS = 5


class Role(StrEnum):
    """What a token or an API key may make its holder: the one list of roles."""

    ADMIN = "admin"
    OPERATOR = "operator"
    MENTOR = "mentor"
    REGION = "region"
    PARTNER = "partner"
    # reads everything, writes nothing (BPK, the Inspectorate): every GET is open to it, nothing else
    AUDITOR = "auditor"


ROLES = tuple(Role)
# one service reading another's feed or documents: no token or key carries it, only the internal secret
SERVICE: Final = "service"
CallerRole = Role | Literal["service"]


@dataclass(frozen=True, slots=True)
class Caller:
    subject: str
    role: CallerRole
    region_code: str | None = None
    auth: Literal["jwt", "api_key"] = "jwt"
    # the organisation an API key is bound to (a partner ministry: kemenkeu, pupr, kemendagri, bappenas)
    organization: str | None = None

    def __post_init__(self) -> None:
        # a role read from a token, a key's row or a test is a plain str: hold it as the Role it names (or refuse it)
        given: object = self.role  # as typed it is a Role already; at run time it may be its bare string
        if given != SERVICE and not isinstance(given, Role):
            object.__setattr__(self, "role", Role(str(given)))

    @property
    def owner(self) -> str:
        """The whole identity as one key, for what belongs to a caller (its Idempotency-Keys): how it signed in,
        its role, its region and its subject (an API key's subject is the key's id). Two callers that share a
        subject but not a region or a way in own nothing in common."""
        return f"{self.auth}:{self.role}:{self.region_code or '-'}:{self.subject}"

    @property
    def actor(self) -> str:
        """`role:subject` as histories and the audit trail name who acted (an API key's subject is its id)."""
        return f"{self.role}:{self.subject}"

    @property
    def is_staff(self) -> bool:
        """Operators and admins act on every region."""
        return self.role in (Role.ADMIN, Role.OPERATOR)


def sign_identity(caller: Caller, secret: str, ttl: int = 60) -> str:
    now = int(time.time())
    claims = {
        "sub": caller.subject,
        "role": caller.role,
        "region_code": caller.region_code,
        "auth": caller.auth,
        "organization": caller.organization,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_identity(token: str, secret: str) -> Caller:
    return _verify_claims(token, secret)[0]


def _verify_claims(token: str, secret: str) -> tuple[Caller, int]:
    """The caller a token vouches for and when the token expires."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            audience=AUDIENCE,
            leeway=LEEWAY_SECONDS,
            options={"require": ["exp", "sub", "aud"]},
        )
    except jwt.PyJWTError as exc:
        raise Unauthorized("Invalid identity credential: {reason}.", reason=str(exc)) from exc
    claimed = claims.get("role")
    if claimed != SERVICE and claimed not in ROLES:
        raise Unauthorized("Invalid identity credential: unknown role.")
    caller = Caller(
        subject=str(claims["sub"]),
        role=SERVICE if claimed == SERVICE else Role(claimed),
        region_code=claims.get("region_code"),
        auth="api_key" if claims.get("auth") == "api_key" else "jwt",
        organization=claims.get("organization") if isinstance(claims.get("organization"), str) else None,
    )
    return caller, int(claims["exp"])


# the gateway sends one credential per caller for its short life; verifying it again on each of its requests
# (an HMAC and the JSON of its claims) cost a cheap read several percent of its CPU (bench/hot_reads.md)
VERIFIED_CACHE_SIZE = 4096


class VerifiedIdentities:
    """Credentials verified already, each with its caller until it expires (the same leeway as `jwt.decode`):
    the token's whole text is the key, so a changed claim or signature is a token never seen."""

    def __init__(self, secret: str, size: int = VERIFIED_CACHE_SIZE) -> None:
        self.secret = secret
        self.size = size
        self.known: dict[str, tuple[Caller, int]] = {}

    def caller(self, token: str) -> Caller:
        known = self.known.get(token)
        if known is not None and time.time() <= known[1] + LEEWAY_SECONDS:
            return known[0]
        caller, expires = _verify_claims(token, self.secret)
        if len(self.known) >= self.size:
            self.known.clear()  # a burst of callers past the bound starts afresh rather than growing
        self.known[token] = (caller, expires)
        return caller


class IdentityMiddleware:
    """Verifies the forwarded identity on every `/api/v1` request and puts it in `scope["state"]`."""

    def __init__(self, app: ASGIApp, secret: str, protected_prefix: str = "/api/v1") -> None:
        self.app = app
        self.verified = VerifiedIdentities(secret)
        self.prefix = protected_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        token = None
        for name, value in scope["headers"]:
            if name == _IDENTITY_HEADER:
                token = value.decode("latin-1")
                break
        try:
            if not token:
                raise Unauthorized("This service is reached through the gateway only.")
            caller = self.verified.caller(token)
        except Unauthorized as exc:
            await exc.to_response(language_of(scope["headers"]))(scope, receive, send)
            return
        scope.setdefault("state", {})["caller"] = caller
        await self.app(scope, receive, send)


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` dependency in its thread pool, and that
# hop (a worker thread woken, the loop woken back) cost the regions read about 0.18 ms of its 2.3 ms of CPU
# (bench/hot_reads.md); tests/test_async_dependencies.py keeps every route's dependencies so.


async def get_caller(request: Request) -> Caller:
    caller = request.scope.get("state", {}).get("caller")
    if not isinstance(caller, Caller):
        raise Unauthorized()
    return caller


CallerDep = Annotated[Caller, Depends(get_caller)]


READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """A permission: refuses (403) a caller whose role is not one of `roles` (nor, with `services`, another
    service); an auditor passes every read. Each service names its permissions once
    (`CanManageProgramme = require_roles(...)`) and the gateway's table is checked against them
    (tests/test_permissions.py)."""

    roles: frozenset[Role]
    services: bool = False

    async def __call__(self, caller: CallerDep, request: Request) -> Caller:
        if caller.role == Role.AUDITOR and request.method in READ_METHODS:
            return caller
        if caller.role not in self.roles and not (self.services and caller.role == SERVICE):
            raise Forbidden("The role '{role}' may not do this.", role=str(caller.role))
        return caller


def require_roles(*roles: Role, services: bool = False) -> Any:
    """A dependency that refuses (403) a caller whose role is not in `roles` (with `services`, another service
    passes too); an auditor passes every read."""
    return Depends(RoleCheck(frozenset(roles), services))
