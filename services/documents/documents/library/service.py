"""Rules of documents: who sees and changes what, versions, soft delete, and the events they emit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa
from pydantic import ValidationError
from smartcity_kit.db import row_dicts
from smartcity_kit.fielderrors import validation_errors
from smartcity_kit.identity import SERVICE, Caller, Role
from smartcity_kit.problems import Forbidden, NotFound, Unprocessable
from smartcity_vocabulary import DocumentKind
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from ..uploads.form import ReceivedFile
from . import events
from .blobs import hold_blob
from .models import Document, Version
from .schemas import DocumentFields, DocumentOut

READ_ALL = (Role.ADMIN, Role.OPERATOR, Role.PARTNER, Role.AUDITOR, SERVICE)


def can_read_all(caller: Caller) -> bool:
    return caller.role in READ_ALL


def check_may_write(caller: Caller, region_code: str) -> None:
    """Operators (and admins) write for every region, a region team for its own only."""
    if caller.is_staff:
        return
    if caller.role == Role.REGION and caller.region_code == region_code:
        return
    if caller.role == Role.REGION:
        raise Forbidden("A region team uploads documents for its own region only.")
    raise Forbidden("The role '{role}' may not upload documents.", role=str(caller.role))


def parse_fields(fields: dict[str, str]) -> DocumentFields:
    try:
        return DocumentFields.model_validate(fields)
    except ValidationError as exc:
        raise Unprocessable("The form is not valid.", errors=validation_errors(list(exc.errors()))) from None


def visible(caller: Caller, mentored: frozenset[str] = frozenset()) -> sa.ColumnElement[bool]:
    """Live documents in the caller's scope: every region for readers of all, a mentor's the regions it mentors
    (`mentored`), a region team's its own."""
    condition: sa.ColumnElement[bool] = Document.deleted_at.is_(None)
    if caller.role == Role.MENTOR:
        condition = sa.and_(condition, Document.region_code.in_(sorted(mentored)))
    elif not can_read_all(caller):
        condition = sa.and_(condition, Document.region_code == (caller.region_code or ""))
    return condition


async def get_visible(
    session: AsyncSession,
    caller: Caller,
    document_id: uuid.UUID,
    *,
    for_update: bool = False,
    mentored: frozenset[str] = frozenset(),
) -> Document:
    """The live document in the caller's scope, with its versions; else 404 (existence does not leak)."""
    stmt = sa.select(Document).where(Document.id == document_id, visible(caller, mentored))
    if for_update:
        stmt = stmt.with_for_update()
    document = (await session.execute(stmt.options(selectinload(Document.versions)))).scalar_one_or_none()
    if document is None:
        raise not_found(document_id)
    return document


def not_found(document_id: uuid.UUID) -> NotFound:
    return NotFound("No document has the id '{document}'.", document=str(document_id))


# the reads below select what the API shows, each field a column, in one statement: no ORM entities, and the
# rows go straight into the response model or the content's headers (bench/hot_reads.md)
_VERSION_FIELDS = (
    Version.number.label("version"),
    Version.size,
    Version.sha256,
    Version.content_type,
    Version.filename,
    Version.uploaded_by,
    Version.created_at,
)
VERSION_OUT = tuple(column.key for column in _VERSION_FIELDS)


async def read_visible(
    session: AsyncSession, caller: Caller, document_id: uuid.UUID, *, mentored: frozenset[str] = frozenset()
) -> DocumentOut:
    """The live document in the caller's scope as the API shows it, with its versions; else 404."""
    stmt = (
        sa.select(
            Document.id,
            Document.region_code,
            Document.kind,
            Document.title,
            Document.current_version,
            Document.created_at.label("document_created_at"),
            Document.updated_at,
            *_VERSION_FIELDS,
        )
        .join(Version, Version.document_id == Document.id)
        .where(Document.id == document_id, visible(caller, mentored))
        .order_by(Version.number)
    )
    rows = row_dicts(await session.execute(stmt))
    if not rows:
        raise not_found(document_id)
    first = rows[0]
    current = next(row for row in rows if row["version"] == first["current_version"])
    versions = [{field: row[field] for field in VERSION_OUT} for row in rows]
    summary = {field: current[field] for field in ("version", "size", "sha256", "content_type", "filename")}
    return DocumentOut.model_validate(
        {
            **summary,
            "id": first["id"],
            "region_code": first["region_code"],
            "kind": first["kind"],
            "title": first["title"],
            "created_at": first["document_created_at"],
            "updated_at": first["updated_at"],
            "versions": versions,
        }
    )


class StoredVersion(NamedTuple):
    """What serving a version's bytes needs (library/content.py)."""

    sha256: str
    size: int
    content_type: str
    filename: str


async def current_content(
    session: AsyncSession, caller: Caller, document_id: uuid.UUID, *, mentored: frozenset[str] = frozenset()
) -> StoredVersion:
    """The current version of the live document in the caller's scope; else 404."""
    stmt = (
        sa.select(Version.sha256, Version.size, Version.content_type, Version.filename)
        .join(Document, sa.and_(Version.document_id == Document.id, Version.number == Document.current_version))
        .where(Document.id == document_id, visible(caller, mentored))
    )
    row = (await session.execute(stmt)).first()
    if row is None:
        raise not_found(document_id)
    return StoredVersion(*row)


def document_query(
    caller: Caller,
    *,
    region_code: str | None,
    kind: DocumentKind | None,
    q: str | None,
    mentored: frozenset[str] = frozenset(),
) -> sa.Select[Document]:
    stmt = sa.select(Document).where(visible(caller, mentored)).options(joinedload(Document.current))
    if region_code:
        stmt = stmt.where(Document.region_code == region_code)
    if kind:
        stmt = stmt.where(Document.kind == kind)
    if q:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Document.title.ilike(f"%{escaped}%", escape="\\"))
    return stmt


def _version(document_id: uuid.UUID, number: int, received: ReceivedFile, caller: Caller) -> Version:
    return Version(
        document_id=document_id,
        number=number,
        sha256=received.sha256,
        size=received.size,
        content_type=received.content_type,
        filename=received.filename,
        uploaded_by=caller.subject,
    )


async def create_document(
    session: AsyncSession, *, caller: Caller, fields: DocumentFields, received: ReceivedFile
) -> tuple[Document, list[Version]]:
    check_may_write(caller, fields.region_code)
    await hold_blob(session, received)
    document = Document(
        id=uuid.uuid4(),
        region_code=fields.region_code,
        kind=fields.kind,
        title=fields.title,
        current_version=1,
        created_by=caller.subject,
    )
    session.add(document)
    await session.flush()
    version = _version(document.id, 1, received, caller)
    session.add(version)
    await session.flush()
    await events.created(session, document, version, caller)
    return document, [version]


async def add_version(
    session: AsyncSession, *, caller: Caller, document_id: uuid.UUID, received: ReceivedFile
) -> tuple[Document, list[Version]]:
    # the row lock orders concurrent uploads of one document: each gets its own number
    document = await get_visible(session, caller, document_id, for_update=True)
    check_may_write(caller, document.region_code)
    await hold_blob(session, received)
    number = document.current_version + 1
    version = _version(document.id, number, received, caller)
    session.add(version)
    document.current_version = number
    document.updated_at = datetime.now(UTC)
    await session.flush()
    await events.version_added(session, document, version, caller)
    return document, [*document.versions, version]


async def delete_document(session: AsyncSession, *, caller: Caller, document_id: uuid.UUID) -> None:
    document = await get_visible(session, caller, document_id, for_update=True)
    document.deleted_at = datetime.now(UTC)
    document.deleted_by = caller.subject
    await session.flush()
    await events.deleted(session, document, caller)
