"""Rules of endpoints: registering (URL checked, secret made), changing, disabling, rotating the secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, Unprocessable
from smartcity_kit.problemtypes import FieldError
from sqlalchemy.ext.asyncio import AsyncSession

from ..destinations import Refused, check_url, resolve
from ..problems import WEBHOOK_URL_REFUSED
from ..settings import Settings
from . import secrets
from .known_types import KnownTypes
from .models import Endpoint, EndpointSecret, EndpointStatus
from .schemas import EndpointCreated, EndpointIn, EndpointOut, EndpointPatch, SecretInfo


async def checked_url(url: str, settings: Settings) -> str:
    """The URL if a webhook may go there now; 422 naming why not."""
    try:
        _, host, port = check_url(url, development=settings.development)
        await resolve(host, port, settings.networks())
    except Refused as exc:
        raise AppError(WEBHOOK_URL_REFUSED, "The URL is refused.", errors=[exc.field_error("url")]) from None
    return url


async def live_secrets(session: AsyncSession, endpoint: Endpoint) -> list[EndpointSecret]:
    """The secrets that sign now, newest first."""
    stmt = (
        sa.select(EndpointSecret)
        .where(
            EndpointSecret.endpoint_id == endpoint.id,
            sa.or_(EndpointSecret.expires_at.is_(None), EndpointSecret.expires_at > sa.func.clock_timestamp()),
        )
        .order_by(EndpointSecret.id.desc())
    )
    return list((await session.execute(stmt)).scalars())


async def endpoint_out(session: AsyncSession, endpoint: Endpoint) -> EndpointOut:
    live = await live_secrets(session, endpoint)
    return EndpointOut(
        id=endpoint.id,
        url=endpoint.url,
        description=endpoint.description,
        event_types=endpoint.event_types,
        region_code=endpoint.region_code,
        ordered=endpoint.ordered,
        status=EndpointStatus(endpoint.status),
        disabled_reason=endpoint.disabled_reason,
        disabled_at=endpoint.disabled_at,
        failing_since=endpoint.failing_since,
        secrets=[SecretInfo(created_at=s.created_at, expires_at=s.expires_at) for s in live],
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


async def _add_secret(session: AsyncSession, endpoint: Endpoint, settings: Settings) -> str:
    secret = secrets.new_secret()
    session.add(EndpointSecret(endpoint_id=endpoint.id, sealed=secrets.seal(settings.key(), endpoint.id, secret)))
    await session.flush()
    return secrets.shown(secret)


async def require_known(known: KnownTypes, patterns: list[str]) -> None:
    """422 naming each pattern that matches no event type of the catalogue."""
    unmatched = await known.unmatched(patterns)
    if unmatched:
        raise Unprocessable(
            "{count} of the event types match no event type of the platform (GET /api/v1/event-types).",
            errors=[
                FieldError(
                    f"event_types[{i}]",
                    "unknown_event_type",
                    "No event type is or starts with '{pattern}'.",
                    {"pattern": patterns[i]},
                )
                for i in unmatched
            ],
            count=len(unmatched),
        )


async def register(
    session: AsyncSession, caller: Caller, data: EndpointIn, settings: Settings, known: KnownTypes
) -> EndpointCreated:
    region_code = data.region_code
    if caller.role == Role.REGION:
        if region_code is not None and region_code != caller.region_code:
            raise Unprocessable(
                "A region subscribes to its own events only.",
                errors=[
                    FieldError(
                        "region_code",
                        "not_own_region",
                        "Must be {region_code} or left out.",
                        {"region_code": caller.region_code},
                    )
                ],
            )
        region_code = caller.region_code
    await require_known(known, data.event_types)
    endpoint = Endpoint(
        url=await checked_url(data.url, settings),
        description=data.description,
        event_types=data.event_types,
        region_code=region_code,
        ordered=data.ordered,
        status=EndpointStatus.active,
        owner_role=caller.role,
        owner_subject=caller.subject,
    )
    session.add(endpoint)
    await session.flush()
    secret = await _add_secret(session, endpoint, settings)
    await session.refresh(endpoint)
    out = await endpoint_out(session, endpoint)
    return EndpointCreated(**out.model_dump(), secret=secret)


def _touch(endpoint: Endpoint) -> None:
    endpoint.version += 1
    endpoint.updated_at = datetime.now(UTC)


async def update(
    session: AsyncSession, endpoint: Endpoint, data: EndpointPatch, settings: Settings, known: KnownTypes
) -> None:
    changes = data.model_dump(exclude_unset=True)
    for field in ("url", "event_types", "ordered"):
        if field in changes and changes[field] is None:
            raise Unprocessable("The request is not valid.", errors=[FieldError(field, "not_null", "May not be null.")])
    if "event_types" in changes:
        await require_known(known, changes["event_types"])
    if "url" in changes:
        changes["url"] = await checked_url(changes["url"], settings)
    if changes.get("description", "") is None:
        changes["description"] = ""
    for field, value in changes.items():
        setattr(endpoint, field, value)
    _touch(endpoint)
    await session.flush()


async def disable(session: AsyncSession, endpoint: Endpoint, reason: str) -> None:
    if endpoint.status != EndpointStatus.disabled:
        endpoint.status = EndpointStatus.disabled
        endpoint.disabled_reason = reason
        endpoint.disabled_at = datetime.now(UTC)
        _touch(endpoint)
        await session.flush()


async def enable(session: AsyncSession, endpoint: Endpoint) -> None:
    """Active again; what was pending goes out, and failures start counting from now."""
    if endpoint.status != EndpointStatus.active:
        endpoint.status = EndpointStatus.active
        endpoint.disabled_reason = endpoint.disabled_at = endpoint.failing_since = None
        _touch(endpoint)
        await session.flush()


async def rotate(session: AsyncSession, endpoint: Endpoint, overlap: float, settings: Settings) -> tuple[str, datetime]:
    """A new secret; every one that signed until now keeps signing for `overlap` seconds more at most."""
    until = datetime.now(UTC) + timedelta(seconds=overlap)
    await session.execute(
        sa.update(EndpointSecret)
        .where(
            EndpointSecret.endpoint_id == endpoint.id,
            sa.or_(EndpointSecret.expires_at.is_(None), EndpointSecret.expires_at > until),
        )
        .values(expires_at=until)
    )
    secret = await _add_secret(session, endpoint, settings)
    _touch(endpoint)
    await session.flush()
    return secret, until
