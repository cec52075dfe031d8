"""Idempotency-Key on `POST /api/v1/api-keys` without keeping the key readable.

The contract wants a repeated POST (same Idempotency-Key, same body, within
24 h) to get the first answer again, and that answer holds the new key, which
is otherwise kept only as a hash. So the answer is kept sealed (AES-GCM) under
a key derived from the internal secret and the client's Idempotency-Key, of
which only a hash is stored: the database alone, or the database and the
secret, cannot open it; the client that sends the same Idempotency-Key again can.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from smartcity_kit.generic_problems import IDEMPOTENCY_KEY_REUSED
from smartcity_kit.problems import AppError, Unprocessable
from smartcity_kit.problemtypes import FieldError
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base

KEEP = timedelta(hours=24)


class ApiKeyRequest(Base):
    __tablename__ = "api_key_requests"

    caller: Mapped[str] = mapped_column(sa.Text, primary_key=True)
    idempotency_hash: Mapped[bytes] = mapped_column(sa.LargeBinary, primary_key=True)
    request_hash: Mapped[bytes] = mapped_column(sa.LargeBinary)
    api_key_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    sealed: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())


def _box(secret: str, caller: str, idempotency_key: str) -> AESGCM:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"gateway api-key replay\0" + caller.encode())
    return AESGCM(kdf.derive(secret.encode() + b"\0" + idempotency_key.encode()))


def check_header(idempotency_key: str) -> None:
    if not 1 <= len(idempotency_key) <= 255:
        raise Unprocessable(
            "Idempotency-Key must be 1-255 characters.",
            errors=[FieldError("Idempotency-Key", "too_long", "1-255 characters.")],
        )


async def claim(
    session: AsyncSession, *, caller: str, idempotency_key: str, request_hash: bytes, secret: str
) -> bytes | None:
    """The first answer, opened, when this key was used before with this body; None when this request is the first.

    The placeholder row makes a concurrent twin wait on it until this transaction ends, then see the answer.
    """
    digest = hashlib.sha256(idempotency_key.encode()).digest()
    await session.execute(
        sa.delete(ApiKeyRequest).where(ApiKeyRequest.created_at < sa.func.now() - KEEP, ApiKeyRequest.caller == caller)
    )
    inserted = await session.execute(
        postgresql.insert(ApiKeyRequest)
        .values(caller=caller, idempotency_hash=digest, request_hash=request_hash)
        .on_conflict_do_nothing()
        .returning(ApiKeyRequest.caller)
    )
    if inserted.first() is not None:
        return None
    earlier = (
        await session.execute(
            sa.select(ApiKeyRequest).where(ApiKeyRequest.caller == caller, ApiKeyRequest.idempotency_hash == digest)
        )
    ).scalar_one()
    if earlier.request_hash != request_hash:
        raise AppError(
            IDEMPOTENCY_KEY_REUSED,
            "This Idempotency-Key was used with another request body.",
            errors=[FieldError("Idempotency-Key", "reused", "Used before with another body.")],
        )
    assert earlier.sealed is not None  # the first request's transaction has ended with it filled
    return _box(secret, caller, idempotency_key).decrypt(earlier.sealed[:12], earlier.sealed[12:], None)


async def seal(
    session: AsyncSession, *, caller: str, idempotency_key: str, api_key_id: uuid.UUID, answer: bytes, secret: str
) -> None:
    nonce = os.urandom(12)
    sealed = nonce + _box(secret, caller, idempotency_key).encrypt(nonce, answer, None)
    digest = hashlib.sha256(idempotency_key.encode()).digest()
    await session.execute(
        sa.update(ApiKeyRequest)
        .where(ApiKeyRequest.caller == caller, ApiKeyRequest.idempotency_hash == digest)
        .values(api_key_id=api_key_id, sealed=sealed, created_at=datetime.now(UTC))
    )
