"""Making, listing and revoking API keys (the rules; the session dependency commits)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import Forbidden, NotFound, Unprocessable
from sqlalchemy.ext.asyncio import AsyncSession

from .models import ApiKey
from .schemas import ApiKeyIn
from .store import CHANNEL, hash_key, new_key


async def create_key(session: AsyncSession, body: ApiKeyIn, caller: Caller) -> tuple[ApiKey, str]:
    if body.role == Role.REGION and not body.region_code:
        raise Unprocessable(
            "A region key needs a region.", errors=[{"field": "region_code", "message": "Required for role region."}]
        )
    if body.role != Role.REGION and body.region_code:
        raise Unprocessable(
            "Only a region key carries a region.",
            errors=[{"field": "region_code", "message": "Only for role region."}],
        )
    if body.organization is not None and body.role != Role.PARTNER:
        raise Unprocessable(
            "Only a partner key speaks for an organisation.",
            errors=[{"field": "organization", "message": "Only for role partner."}],
        )
    if body.expires_at is not None and body.expires_at <= datetime.now(UTC):
        raise Unprocessable(
            "The expiry is in the past.", errors=[{"field": "expires_at", "message": "Must be in the future."}]
        )
    if body.role == Role.ADMIN and caller.role != Role.ADMIN:
        raise Forbidden("Only an admin may make an admin key.")
    key, prefix = new_key()
    row = ApiKey(
        id=uuid.uuid4(),
        name=body.name,
        role=body.role,
        region_code=body.region_code,
        organization=body.organization,
        prefix=prefix,
        key_hash=hash_key(key),
        created_by=f"{caller.role}:{caller.subject}",
        expires_at=body.expires_at,
    )
    session.add(row)
    await session.flush()
    await session.refresh(row, ["created_at"])
    return row, key


def active_keys() -> sa.Select[ApiKey]:
    """Keys in force: not revoked and not expired (an expired key is refused at once; it is not listed either)."""
    return sa.select(ApiKey).where(
        ApiKey.revoked_at.is_(None), sa.or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > sa.func.now())
    )


async def revoke_key(session: AsyncSession, key_id: uuid.UUID, caller: Caller) -> bytes:
    row = (await session.execute(active_keys().where(ApiKey.id == key_id).with_for_update())).scalar_one_or_none()
    if row is None:
        raise NotFound("No such API key.")
    row.revoked_at = datetime.now(UTC)
    row.revoked_by = f"{caller.role}:{caller.subject}"
    # delivered to every replica when this transaction commits, before the DELETE answers
    await session.execute(sa.select(sa.func.pg_notify(CHANNEL, row.key_hash.hex())))
    await session.flush()
    return row.key_hash
