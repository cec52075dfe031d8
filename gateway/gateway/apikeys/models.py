"""The api_keys table: a key is kept only as its SHA-256; the prefix lets people tell keys apart."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..database import Base


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(sa.Text)
    role: Mapped[str] = mapped_column(sa.Text)
    region_code: Mapped[str | None] = mapped_column(sa.Text)
    # a partner ministry's key is bound to its organisation, passed on in the signed identity
    organization: Mapped[str | None] = mapped_column(sa.Text)
    prefix: Mapped[str] = mapped_column(sa.Text)
    # SHA-256 of the whole key: the key has 256 random bits, so a slow hash would add nothing
    key_hash: Mapped[bytes] = mapped_column(sa.LargeBinary, unique=True)
    created_by: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'operator', 'mentor', 'region', 'partner')", name="role"),
        sa.CheckConstraint("(role = 'region') = (region_code IS NOT NULL)", name="region_code_for_region"),
        sa.CheckConstraint(
            "organization IS NULL"
            " OR (role = 'partner' AND organization IN ('kemenkeu', 'pupr', 'kemendagri', 'bappenas'))",
            name="organization_for_partner",
        ),
    )
