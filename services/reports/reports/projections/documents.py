"""What the documents feed tells: each document's kind, versions and deletion."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from pydantic import BaseModel, Field
from smartcity_kit.outbox import Event
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from .models import Document
from .participants import REGION_CODE


class DocumentEvent(BaseModel):
    document_id: uuid.UUID
    region_code: str = Field(pattern=REGION_CODE)
    kind: str | None = None
    version: int | None = None


async def created(session: AsyncSession, event: Event) -> None:
    data = DocumentEvent.model_validate(event.data)
    if not data.kind:
        raise ValueError("document.created without `kind`")
    await session.execute(
        insert(Document)
        .values(
            document_id=data.document_id,
            region_code=data.region_code,
            kind=data.kind,
            versions=data.version or 1,
            created_at=event.occurred_at,
        )
        .on_conflict_do_nothing()
    )


async def version_added(session: AsyncSession, event: Event) -> None:
    data = DocumentEvent.model_validate(event.data)
    await session.execute(
        sa.update(Document)
        .where(Document.document_id == data.document_id)
        .values(versions=sa.func.greatest(Document.versions, data.version or 1))
    )


async def deleted(session: AsyncSession, event: Event) -> None:
    data = DocumentEvent.model_validate(event.data)
    await session.execute(sa.update(Document).where(Document.document_id == data.document_id).values(deleted=True))


HANDLERS = {
    "document.created": created,
    "document.version_added": version_added,
    "document.deleted": deleted,
}
