"""Uploads: the stored record, types judged from bytes, limits, names, versions, events; on both backends."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
import sqlalchemy as sa
from documents.database import events
from documents.library.models import Document, Version

OPERATOR = {"role": "operator"}


async def count(session, table) -> int:
    return (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()


async def test_upload_stores_the_bytes_and_answers_the_contract_fields(upload, as_role, client, make_pdf, leftovers):
    data = make_pdf(b"Buku 1")
    response = await upload(data, headers=as_role("region", "32.73"), filename="Buku 1 Kota Bandung.pdf")
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("region_code", "kind", "title", "version", "size", "sha256", "content_type")} == {
        "region_code": "32.73",
        "kind": "readiness_report",
        "title": "Laporan kesiapan",
        "version": 1,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "content_type": "application/pdf",
    }
    assert body["filename"] == "Buku 1 Kota Bandung.pdf"
    assert response.headers["location"] == f"/api/v1/documents/{body['id']}"
    assert [v["version"] for v in body["versions"]] == [1]
    assert body["versions"][0]["uploaded_by"] == "region@test"
    assert await leftovers() == {"objects": [hashlib.sha256(data).hexdigest()], "temp": []}
    content = await client.get(f"/api/v1/documents/{body['id']}/content", headers=as_role("partner"))
    assert content.content == data


@pytest.mark.parametrize(
    "content_type",
    [
        "application/pdf",
        "image/png",
        "image/jpeg",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
    ],
)
async def test_each_accepted_type_is_judged_from_its_bytes(upload, as_role, samples, content_type):
    # declared as octet-stream: only the bytes say what the file is
    response = await upload(samples[content_type], headers=as_role("operator"), content_type="application/octet-stream")
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == content_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(4096)),
        ("tool", b"\x7fELF\x02\x01\x01" + bytes(4096)),
        ("notes.txt", b"just some text, not a PDF at all"),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
async def test_a_spoofed_pdf_is_refused_415_and_nothing_is_kept(upload, as_role, session, leftovers, name, data):
    response = await upload(data, headers=as_role("operator"), filename=name, content_type="application/pdf")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported-media-type"
    assert response.headers["content-type"] == "application/problem+json"
    assert await count(session, Document) == 0
    assert await leftovers() == {"objects": [], "temp": []}


async def test_a_docx_zip_bomb_is_refused_422_and_nothing_is_kept(upload, as_role, session, leftovers):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w") as entry:  # 128 MiB of zeros: about 130 KB deflated
            for _ in range(128):
                entry.write(bytes(1 << 20))
    response = await upload(out.getvalue(), headers=as_role("region", "32.73"), filename="bom.docx")
    assert response.status_code == 422
    assert response.json()["code"] == "file-too-expanded"
    [error] = response.json()["errors"]
    assert (error["field"], error["code"]) == ("file", "too_expanded")
    ratio = re.fullmatch(r"An entry of the file expands (\d+) times when unpacked\.", error["message"])
    assert ratio is not None and int(ratio[1]) > 1000
    assert await count(session, Document) == 0
    assert await leftovers() == {"objects": [], "temp": []}


async def test_zips_that_are_not_office_or_odt_files_are_refused(upload, as_role, make_zip):
    plain = make_zip([("a.txt", b"a"), ("b/c.txt", b"c")])
    spreadsheet = make_zip(
        [("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"), ("content.xml", b"<x/>")], stored_first=True
    )
    for data in (plain, spreadsheet):
        response = await upload(data, headers=as_role("operator"), content_type="application/zip")
        assert response.status_code == 415


async def test_an_empty_file_is_422(upload, as_role, session, leftovers):
    response = await upload(b"", headers=as_role("operator"))
    assert response.status_code == 422
    assert response.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/file-empty",
        "code": "file-empty",
        "title": "Empty file",
        "status": 422,
        "detail": "The file is empty; nothing was stored.",
        "errors": [{"field": "file", "code": "empty", "message": "The file is empty."}],
    }
    indonesian = await upload(b"", headers={**as_role("operator"), "Accept-Language": "id"})
    assert (indonesian.json()["title"], indonesian.json()["detail"], indonesian.json()["errors"]) == (
        "Berkas kosong",
        "Berkas kosong; tidak ada yang disimpan.",
        [{"field": "file", "code": "empty", "message": "Berkas kosong."}],
    )
    assert await count(session, Document) == 0
    assert await leftovers() == {"objects": [], "temp": []}


async def test_over_the_limit_is_413_and_nothing_is_kept(upload, as_role, settings, session, leftovers, make_pdf):
    response = await upload(make_pdf(size=settings.max_upload_bytes + 1), headers=as_role("operator"))
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert await count(session, Document) == 0
    assert await leftovers() == {"objects": [], "temp": []}
    exactly = await upload(make_pdf(size=settings.max_upload_bytes), headers=as_role("operator"))
    assert exactly.status_code == 201
    assert exactly.json()["size"] == settings.max_upload_bytes


async def test_a_declared_length_over_the_limit_is_refused_before_reading(client, as_role, settings):
    response = await client.post(
        "/api/v1/documents",
        content=b"--x--\r\n",
        headers={
            **as_role("operator"),
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(settings.max_upload_bytes * 2),
        },
    )
    assert response.status_code == 413
    assert response.headers["connection"] == "close"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\tim\\Buku 2.pdf", "Buku 2.pdf"),
        ("..", "document.pdf"),
        ("a\x00b\x1f\x7fc.pdf", "abc.pdf"),
        ("Rencana Induk – Kota Bandung.pdf", "Rencana Induk – Kota Bandung.pdf"),
        ("....pdf", "pdf.pdf"),
        # the extension is the sniffed type's: a browser or a desktop opens a file by its name
        ("poly.html", "poly.pdf"),
        ("evil.pdf\x00.html", "evil.pdf"),
        ("a.html.exe", "a.html.pdf"),
        ("Laporan v1.2", "Laporan v1.2.pdf"),
        ("report", "report.pdf"),
        ("SCAN.PDF", "SCAN.PDF"),
    ],
)
async def test_the_name_is_reduced_to_a_safe_base_name(upload, as_role, make_pdf, raw, stored):
    response = await upload(make_pdf(), headers=as_role("operator"), filename=raw)
    assert response.status_code == 201, response.text
    assert response.json()["filename"] == stored


async def test_bad_fields_are_422_naming_each_and_keep_nothing(upload, as_role, make_pdf, session, leftovers):
    response = await upload(make_pdf(), headers=as_role("operator"), region_code="32", kind="novel", title="")
    assert response.status_code == 422
    assert sorted(e["field"] for e in response.json()["errors"]) == ["kind", "region_code", "title"]
    assert await count(session, Document) == 0
    assert await leftovers() == {"objects": [], "temp": []}


async def test_unknown_and_missing_fields_are_422(client, as_role, make_pdf):
    headers = as_role("operator")
    unknown = await client.post(
        "/api/v1/documents",
        data={"region_code": "32.73", "kind": "mou", "title": "MoU", "colour": "red"},
        files={"file": ("a.pdf", make_pdf(), "application/pdf")},
        headers=headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [{"field": "colour", "code": "extra_forbidden", "message": "Unknown field."}]
    no_file = await client.post(
        "/api/v1/documents",
        data={"region_code": "32.73", "kind": "mou", "title": "MoU"},
        files={"other": ("a.pdf", make_pdf(), "application/pdf")},
        headers=headers,
    )
    assert no_file.status_code == 422
    missing = await client.post(
        "/api/v1/documents", files={"file": ("a.pdf", make_pdf(), "application/pdf")}, headers=headers
    )
    assert missing.status_code == 422
    assert sorted(e["field"] for e in missing.json()["errors"]) == ["kind", "region_code", "title"]


async def test_not_multipart_is_415_and_a_malformed_body_is_422(client, as_role):
    headers = as_role("operator")
    json_body = await client.post("/api/v1/documents", json={"title": "x"}, headers=headers)
    assert json_body.status_code == 415
    cut = await client.post(
        "/api/v1/documents",
        content=b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7 and no end',
        headers={**headers, "content-type": "multipart/form-data; boundary=b"},
    )
    assert cut.status_code == 422
    assert cut.json()["errors"][0]["field"] == "body"


async def test_versions_count_up_and_identical_bytes_are_stored_once(
    upload, client, as_role, make_pdf, session, leftovers
):
    first, second = make_pdf(b"draft 1"), make_pdf(b"draft 2")
    created = (await upload(first, headers=as_role("region", "32.73"))).json()
    url = f"/api/v1/documents/{created['id']}/versions"
    v2 = await client.post(url, files={"file": ("v2.pdf", second, "application/pdf")}, headers=as_role("operator"))
    assert v2.status_code == 201, v2.text
    v3 = await client.post(
        url, files={"file": ("again.pdf", first, "application/pdf")}, headers=as_role("region", "32.73")
    )
    assert v3.status_code == 201
    body = v3.json()
    assert (body["version"], body["filename"], body["sha256"]) == (3, "again.pdf", hashlib.sha256(first).hexdigest())
    assert [(v["version"], v["size"], v["uploaded_by"]) for v in body["versions"]] == [
        (1, len(first), "region@test"),
        (2, len(second), "operator@test"),
        (3, len(first), "region@test"),
    ]
    assert await count(session, Version) == 3
    stored = await leftovers()
    assert stored == {"objects": sorted(hashlib.sha256(d).hexdigest() for d in (first, second)), "temp": []}
    old = await client.get(f"/api/v1/documents/{created['id']}/versions/2/content", headers=as_role("partner"))
    assert old.content == second
    assert old.headers["content-disposition"] == "attachment; filename=\"v2.pdf\"; filename*=UTF-8''v2.pdf"


async def test_events_are_recorded_with_the_agreed_data(upload, client, as_role, make_pdf, session):
    first, second = make_pdf(), make_pdf(b"2")
    created = (await upload(first, headers=as_role("operator"), kind="mou")).json()
    doc = created["id"]
    await client.post(
        f"/api/v1/documents/{doc}/versions",
        files={"file": ("b.pdf", second, "application/pdf")},
        headers=as_role("operator"),
    )
    assert (await client.delete(f"/api/v1/documents/{doc}", headers=as_role("admin"))).status_code == 204
    rows = (await session.execute(sa.select(events).order_by(events.c.id))).all()
    of_document = {"document_id": doc, "region_code": "32.73", "kind": "mou"}

    def version(number: int, content: bytes) -> dict:
        return {
            "version": number,
            "content_type": "application/pdf",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "actor": "operator:operator@test",
        }

    assert [(r.type, r.subject, r.data) for r in rows] == [
        ("document.created", f"documents/{doc}", {**of_document, "title": created["title"], **version(1, first)}),
        ("document.version_added", f"documents/{doc}", {**of_document, **version(2, second)}),
        ("document.deleted", f"documents/{doc}", {**of_document, "actor": "admin:admin@test"}),
    ]
    feed = await client.get("/api/v1/events/documents", headers=as_role("partner"))
    assert feed.status_code == 200


async def test_idempotency_key_replays_a_multipart_upload_once(upload, as_role, make_pdf, session, leftovers):
    data = make_pdf(b"once")
    headers = {**as_role("operator"), "idempotency-key": "upload-1"}
    first = await upload(data, headers=headers, boundary="aaaa1111")
    assert first.status_code == 201
    # a retry by a client that draws a new boundary is the same request
    again = await upload(data, headers=headers, boundary="bbbb2222")
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    other = await upload(make_pdf(b"another file"), headers=headers, boundary="cccc3333")
    assert other.status_code == 422
    assert await count(session, Document) == 1
    assert (await leftovers())["temp"] == []
