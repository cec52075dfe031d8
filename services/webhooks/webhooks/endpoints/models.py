"""Endpoints (a subscriber's URL, the event types it wants, its scope) and their signing secrets."""

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class EndpointStatus(StrEnum):
    active = "active"
    disabled = "disabled"


class Endpoint(Base):
    __tablename__ = "endpoints"
    __table_args__ = (sa.CheckConstraint(f"status IN {tuple(s.value for s in EndpointStatus)}", name="status_known"),)

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    url: Mapped[str] = mapped_column(sa.Text)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    # patterns: an event type, `prefix.*`, or `*`
    event_types: Mapped[list[str]] = mapped_column(ARRAY(sa.Text))
    # the one region whose events the endpoint gets; none: every event partners may read
    region_code: Mapped[str | None] = mapped_column(sa.String(5))
    ordered: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    status: Mapped[str] = mapped_column(sa.Text, default=EndpointStatus.active)
    disabled_reason: Mapped[str | None] = mapped_column(sa.Text)
    disabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # the first failure since the last success: three days of it disable the endpoint
    failing_since: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    owner_role: Mapped[str] = mapped_column(sa.Text)
    owner_subject: Mapped[str] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    # the replica delivering to the endpoint now, until when (renewed while it works)
    lease_owner: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    lease_until: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())


class EndpointSecret(Base):
    """A signing secret, encrypted; every one not yet expired signs (two during a rotation's overlap)."""

    __tablename__ = "endpoint_secrets"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    endpoint_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("endpoints.id", ondelete="CASCADE"), index=True)
    # nonce + AES-256-GCM ciphertext of the secret's 32 bytes, the endpoint id as associated data
    sealed: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.clock_timestamp())
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
