"""Soft delete, purge and the start-up sweep of crashed uploads' leftovers; on both backends."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

import sqlalchemy as sa
from documents.library.blobs import remove_unreferenced, startup_sweep
from documents.library.models import Document, Version
from documents.storage import make_storage


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def test_a_deleted_document_is_hidden_and_its_bytes_kept(client, upload, as_role, make_pdf, session, leftovers):
    data = make_pdf(b"to delete")
    doc = (await upload(data, headers=as_role("operator"))).json()["id"]
    assert (await client.delete(f"/api/v1/documents/{doc}", headers=as_role("operator"))).status_code == 204
    partner = as_role("partner")
    assert (await client.get("/api/v1/documents", headers=partner)).json()["items"] == []
    for path in ("", "/content", "/versions/1/content"):
        assert (await client.get(f"/api/v1/documents/{doc}{path}", headers=partner)).status_code == 404
    version = await client.post(
        f"/api/v1/documents/{doc}/versions",
        files={"file": ("v.pdf", make_pdf(b"v2"), "application/pdf")},
        headers=as_role("operator"),
    )
    assert version.status_code == 404
    row = (await session.execute(sa.select(Document))).scalar_one()
    assert (row.deleted_by, row.deleted_at is not None) == ("operator@test", True)
    assert await leftovers() == {"objects": [sha(data)], "temp": []}


async def test_purge_removes_only_bytes_no_live_version_references(
    client, upload, as_role, make_pdf, session_factory, storage, leftovers
):
    shared, alone, live = make_pdf(b"shared"), make_pdf(b"alone"), make_pdf(b"live")
    operator = as_role("operator")
    a = (await upload(shared, headers=operator)).json()["id"]
    b = (await upload(alone, headers=operator)).json()["id"]
    c = (await upload(live, headers=operator)).json()["id"]
    await client.post(
        f"/api/v1/documents/{c}/versions", files={"file": ("s.pdf", shared, "application/pdf")}, headers=operator
    )
    for doc in (a, b):
        assert (await client.delete(f"/api/v1/documents/{doc}", headers=operator)).status_code == 204
    assert (await leftovers())["objects"] == sorted(sha(d) for d in (shared, alone, live))

    # the start-up sweep keeps a deleted document's bytes; a dry run removes nothing
    assert await remove_unreferenced(session_factory, storage, keep_deleted=True) == []
    assert await remove_unreferenced(session_factory, storage, keep_deleted=False, dry_run=True) == [sha(alone)]
    assert len((await leftovers())["objects"]) == 3

    assert await remove_unreferenced(session_factory, storage, keep_deleted=False) == [sha(alone)]
    assert await leftovers() == {"objects": sorted([sha(shared), sha(live)]), "temp": []}
    still = await client.get(f"/api/v1/documents/{c}/versions/2/content", headers=operator)
    assert still.content == shared


async def test_the_start_up_sweep_removes_what_crashed_uploads_left(
    settings, upload, as_role, make_pdf, session_factory, leftovers
):
    kept = make_pdf(b"kept")
    assert (await upload(kept, headers=as_role("operator"))).status_code == 201

    crashed = make_storage(settings)  # another process ...
    await crashed.start()
    half = await crashed.begin()
    await half.write(make_pdf(b"half an upload", size=6 * 1024 * 1024))
    orphan_bytes = make_pdf(b"stored, but the row never committed")
    orphan = await crashed.begin()
    await orphan.write(orphan_bytes)
    await orphan.commit(sha(orphan_bytes))
    if settings.storage_backend == "local":
        crashed._lock.close()  # ... that dies without cleaning up
    else:
        await crashed.close()
    before = await leftovers()
    assert sha(orphan_bytes) in before["objects"]

    restarted = make_storage(settings)
    await restarted.start()
    try:
        await startup_sweep(session_factory, restarted)
    finally:
        await restarted.close()
    assert await leftovers() == {"objects": [sha(kept)], "temp": []}
    if settings.storage_backend == "local":  # only the live storage's own directory and lock are left
        assert len(list((settings.storage_dir / "tmp").iterdir())) == 2


async def test_a_removal_waits_for_an_upload_that_is_about_to_reference_the_bytes(
    engine, session_factory, storage, make_pdf, leftovers
):
    """The race the per-hash advisory lock closes: bytes committed to storage, their row not yet committed."""
    data = make_pdf(b"in flight")
    digest = sha(data)
    document_id = uuid.uuid4()
    upload = await engine.connect()  # another request's transaction, past hold_blob, before its commit
    try:
        await upload.begin()
        await upload.execute(
            sa.text("SELECT pg_advisory_xact_lock_shared(hashtext('documents:blob'), :key)"),
            {"key": int(digest[:8], 16) - 2**31},
        )
        temp = await storage.begin()
        await temp.write(data)
        await temp.commit(digest)
        await upload.execute(
            sa.insert(Document.__table__).values(
                id=document_id, region_code="32.73", kind="mou", title="t", current_version=1, created_by="x"
            )
        )
        await upload.execute(
            sa.insert(Version.__table__).values(
                document_id=document_id,
                number=1,
                sha256=digest,
                size=len(data),
                content_type="application/pdf",
                filename="a.pdf",
                uploaded_by="x",
            )
        )
        removal = asyncio.create_task(remove_unreferenced(session_factory, storage, keep_deleted=False))

        async def waiting() -> bool:
            async with engine.connect() as probe:
                query = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                return (await probe.execute(sa.text(query))).scalar_one() == 1

        while not await waiting():
            assert not removal.done(), "the removal did not wait for the upload's lock"
            await asyncio.sleep(0.01)
        await upload.commit()
        assert await asyncio.wait_for(removal, 10) == []
        assert (await leftovers())["objects"] == [digest]
    finally:
        await upload.rollback()
        await upload.execute(sa.delete(Version.__table__).where(Version.document_id == document_id))
        await upload.execute(sa.delete(Document.__table__).where(Document.id == document_id))
        await upload.commit()
        await upload.close()
