"""Stored bytes and the rows that reference them: committing an upload's bytes, and removing unreferenced ones.

Objects are shared by every version with the same sha256, so removing one
must never race with an upload that is about to reference it. A per-hash
PostgreSQL advisory lock orders the two: an upload holds it shared from just
before its bytes become the object until its transaction ends, and a removal
takes it exclusively, checks the references again and only then deletes.
"""

from __future__ import annotations

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..storage import Storage
from ..uploads.form import ReceivedFile
from .models import Document, Version

log = structlog.get_logger("blobs")


def _lock_key(sha256: str) -> int:
    return int(sha256[:8], 16) - 2**31  # an int4; two hashes sharing it only wait for each other


async def hold_blob(session: AsyncSession, received: ReceivedFile) -> None:
    """Turn the upload's temporary object into the object named by its hash, in the caller's transaction."""
    await session.execute(
        sa.text("SELECT pg_advisory_xact_lock_shared(hashtext('documents:blob'), :key)"),
        {"key": _lock_key(received.sha256)},
    )
    await received.temp.commit(received.sha256)


async def remove_unreferenced(
    sessionmaker: async_sessionmaker[AsyncSession], storage: Storage, *, keep_deleted: bool, dry_run: bool = False
) -> list[str]:
    """Delete every object no version references; returns their hashes.

    `keep_deleted=True` (the start-up sweep) keeps the bytes of soft-deleted
    documents and removes only orphans, such as bytes stored by an upload
    whose transaction never committed. `keep_deleted=False` (the purge) also
    removes the bytes of soft-deleted documents that no live version shares.
    """
    candidates = [sha async for sha in storage.objects()]
    removed = []
    for sha in candidates:
        async with sessionmaker() as session:
            await session.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtext('documents:blob'), :key)"), {"key": _lock_key(sha)}
            )
            referenced = sa.select(Version.document_id).where(Version.sha256 == sha)
            if not keep_deleted:
                referenced = referenced.join(Document, Document.id == Version.document_id).where(
                    Document.deleted_at.is_(None)
                )
            if (await session.execute(referenced.limit(1))).first() is None:
                if not dry_run:
                    await storage.delete(sha)
                removed.append(sha)
            await session.commit()
    if removed:
        log.info("removed unreferenced objects", count=len(removed), dry_run=dry_run, keep_deleted=keep_deleted)
    return removed


async def startup_sweep(sessionmaker: async_sessionmaker[AsyncSession], storage: Storage) -> None:
    """Remove what crashed uploads left: temporary objects, and objects no row references."""
    temps = await storage.sweep_temp()
    if temps:
        log.info("removed temporary objects left by crashed uploads", count=temps)
    await remove_unreferenced(sessionmaker, storage, keep_deleted=True)
