"""The events of documents: one created, a version added, one deleted; and the service's event catalogue.

A file's name is in no event (it may name a person); its type, size and
sha256 are, so a partner can tell versions apart without downloading them.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from pydantic import Field
from smartcity_kit.catalogue import Catalogue, EventData
from smartcity_kit.identity import Caller
from smartcity_kit.outbox import record
from smartcity_vocabulary import DocumentKind
from sqlalchemy.ext.asyncio import AsyncSession

from ..database import events
from .models import Document, Version

DOCUMENT: dict[str, Any] = {
    "document_id": "8c9d0e1f-2a3b-4c4d-9e5f-6a7b8c9d0e1f",
    "region_code": "32.73",
    "kind": "mou",
}
VERSION: dict[str, Any] = {
    "content_type": "application/pdf",
    "size": 482133,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "actor": "region:tim@bandung.go.id",
}


class OfDocument(EventData):
    document_id: uuid.UUID
    region_code: str
    kind: DocumentKind


class WithVersion(OfDocument):
    version: int = Field(description="The version's number: 1 for a new document.")
    content_type: str = Field(description="The type the content was sniffed as.")
    size: int = Field(description="Bytes.")
    sha256: str
    actor: str = Field(description="`role:subject` of who uploaded it.")


class DocumentCreated(WithVersion):
    """A document was uploaded for a region: its first version."""

    event_type = "document.created"
    example: ClassVar[dict[str, Any]] = {**DOCUMENT, "title": "MoU Kota Bandung", "version": 1, **VERSION}

    title: str


class DocumentVersionAdded(WithVersion):
    """A new version of a document was uploaded; it is now the current one."""

    event_type = "document.version_added"
    example: ClassVar[dict[str, Any]] = {**DOCUMENT, "version": 2, **VERSION}


class DocumentDeleted(OfDocument):
    """A document was deleted: hidden from every read, its bytes kept until a purge."""

    event_type = "document.deleted"
    example: ClassVar[dict[str, Any]] = {**DOCUMENT, "actor": "operator:ops@kominfo.go.id"}

    actor: str = Field(description="`role:subject` of who deleted it.")


CATALOGUE = Catalogue([DocumentCreated, DocumentVersionAdded, DocumentDeleted])


def _facts(document: Document, version: Version, caller: Caller) -> dict[str, Any]:
    return {
        "document_id": document.id,
        "region_code": document.region_code,
        "kind": document.kind,
        "version": version.number,
        "content_type": version.content_type,
        "size": version.size,
        "sha256": version.sha256,
        "actor": caller.actor,
    }


async def created(session: AsyncSession, document: Document, version: Version, caller: Caller) -> None:
    data = DocumentCreated(**_facts(document, version, caller), title=document.title)
    await record(session, events, f"documents/{document.id}", data)


async def version_added(session: AsyncSession, document: Document, version: Version, caller: Caller) -> None:
    await record(session, events, f"documents/{document.id}", DocumentVersionAdded(**_facts(document, version, caller)))


async def deleted(session: AsyncSession, document: Document, caller: Caller) -> None:
    data = DocumentDeleted(
        document_id=document.id,
        region_code=document.region_code,
        kind=DocumentKind(document.kind),
        actor=caller.actor,
    )
    await record(session, events, f"documents/{document.id}", data)
