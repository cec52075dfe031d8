"""Making, listing and revoking API keys (the rules; the session dependency commits)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from smartcity_kit.identity import Caller, Role
from smartcity_kit.problems import AppError, NotFound
from smartcity_kit.problemtypes import FieldError
from sqlalchemy.ext.asyncio import AsyncSession

from ..problems import ADMIN_KEY_FORBIDDEN, API_KEY_FIELDS_INVALID
from .models import ApiKey
from .schemas import ApiKeyIn
from .store import CHANNEL, hash_key, new_key


async def create_key(session: AsyncSession, body: ApiKeyIn, caller: Caller) -> tuple[ApiKey, str]:
    if body.role == Role.REGION and not body.region_code:
        raise AppError(
            API_KEY_FIELDS_INVALID,
            "A region key needs a region.",
            errors=[FieldError("region_code", "required", "Required for role region.")],
        )
    if body.role != Role.REGION and body.region_code:
        raise AppError(
            API_KEY_FIELDS_INVALID,
            "Only a region key carries a region.",
            errors=[FieldError("region_code", "only_for_region", "Only for role region.")],
        )
    if body.organization is not None and body.role != Role.PARTNER:
        raise AppError(
            API_KEY_FIELDS_INVALID,
            "Only a partner key speaks for an organisation.",
            errors=[FieldError("organization", "only_for_partner", "Only for role partner.")],
        )
    if body.expires_at is not None and body.expires_at <= datetime.now(UTC):
        raise AppError(
            API_KEY_FIELDS_INVALID,
            "The expiry is in the past.",
            errors=[FieldError("expires_at", "not_in_future", "Must be in the future.")],
        )
    if body.role == Role.ADMIN and caller.role != Role.ADMIN:
        raise AppError(ADMIN_KEY_FORBIDDEN, "Only an admin may make an admin key.")
    key, prefix = new_key()
    row = ApiKey(
        id=uuid.uuid4(),
        name=body.name,
        role=body.role,
        region_code=body.region_code,
        organization=body.organization,
        prefix=prefix,
        key_hash=hash_key(key),
        created_by=caller.actor,
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
    row.revoked_by = caller.actor
    # delivered to every replica when this transaction commits, before the DELETE answers
    await session.execute(sa.select(sa.func.pg_notify(CHANNEL, row.key_hash.hex())))
    await session.flush()
    return row.key_hash
