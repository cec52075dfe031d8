"""Documents and their versions. The bytes live in storage, addressed by their sha256."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from smartcity_vocabulary import DocumentKind, one_of
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import Base


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    region_code: Mapped[str] = mapped_column(sa.String(5), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.Text)
    current_version: Mapped[int] = mapped_column(sa.Integer)
    created_by: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())
    # soft delete: hidden from every read, bytes kept until a purge
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_by: Mapped[str | None] = mapped_column(sa.Text)

    versions: Mapped[list[Version]] = relationship(back_populates="document", lazy="raise", order_by="Version.number")
    current: Mapped[Version] = relationship(
        primaryjoin="and_(Version.document_id == Document.id, Version.number == Document.current_version)",
        viewonly=True,
        lazy="raise",
    )

    __table_args__ = (
        sa.Index(None, "created_at", "id"),
        sa.CheckConstraint(one_of("kind", DocumentKind), name="kind_known"),
    )
    __mapper_args__ = {"eager_defaults": True}


class Version(Base):
    __tablename__ = "versions"

    document_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey(Document.id), primary_key=True)
    number: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    content_type: Mapped[str] = mapped_column(sa.Text)
    filename: Mapped[str] = mapped_column(sa.Text)
    uploaded_by: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), server_default=sa.func.now())

    document: Mapped[Document] = relationship(back_populates="versions", lazy="raise")

    __mapper_args__ = {"eager_defaults": True}
