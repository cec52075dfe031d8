"""Downloads: streamed bytes, ETag = sha256, If-None-Match 304, a single Range 206 / 416, HEAD; on both backends."""

from __future__ import annotations

import hashlib

import pytest


@pytest.fixture
async def stored(upload, as_role, make_pdf):
    data = make_pdf(b"x" * 5000)
    response = await upload(data, headers=as_role("operator"), filename="Buku 2 – Rencana Induk.pdf")
    assert response.status_code == 201
    return response.json()["id"], data


async def test_get_streams_the_bytes_with_etag_and_disposition(client, as_role, stored):
    doc, data = stored
    response = await client.get(f"/api/v1/documents/{doc}/content", headers=as_role("region", "32.73"))
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-disposition"] == (
        'attachment; filename="Buku 2 _ Rencana Induk.pdf"; '
        "filename*=UTF-8''Buku%202%20%E2%80%93%20Rencana%20Induk.pdf"
    )
    # opened in a browser tab anyway, the bytes run in a sandbox with no origin, scripts or requests
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_if_none_match_gives_304_without_a_body(client, as_role, stored):
    doc, data = stored
    etag = f'"{hashlib.sha256(data).hexdigest()}"'
    for header in (etag, f'"other", W/{etag}', "*"):
        response = await client.get(
            f"/api/v1/documents/{doc}/content", headers={**as_role("partner"), "if-none-match": header}
        )
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["etag"] == etag
    stale = await client.get(f"/api/v1/documents/{doc}/content", headers={**as_role("partner"), "if-none-match": '"x"'})
    assert stale.status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-99", 0, 100), ("bytes=100-", 100, None), ("bytes=-10", -10, None), ("bytes=4990-999999", 4990, None)],
)
async def test_a_single_range_is_206(client, as_role, stored, header, start, end):
    doc, data = stored
    response = await client.get(f"/api/v1/documents/{doc}/content", headers={**as_role("partner"), "range": header})
    assert response.status_code == 206
    expected = data[start:end]
    assert response.content == expected
    first = start if start >= 0 else len(data) + start
    assert response.headers["content-range"] == f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    assert response.headers["content-length"] == str(len(expected))


async def test_an_unsatisfiable_range_is_416_and_others_send_everything(client, as_role, stored):
    doc, data = stored
    url = f"/api/v1/documents/{doc}/content"
    past = await client.get(url, headers={**as_role("partner"), "range": f"bytes={len(data)}-"})
    assert past.status_code == 416
    assert past.json()["code"] == "range-not-satisfiable"
    assert past.headers["content-range"] == f"bytes */{len(data)}"
    assert past.headers["content-type"] == "application/problem+json"
    for ignored in ("bytes=0-1,5-6", "pages=1-2", "bytes=9-3"):
        whole = await client.get(url, headers={**as_role("partner"), "range": ignored})
        assert (whole.status_code, whole.content) == (200, data)
    changed = await client.get(url, headers={**as_role("partner"), "range": "bytes=0-9", "if-range": '"old"'})
    assert (changed.status_code, changed.content) == (200, data)


async def test_head_gives_the_headers_without_the_bytes(client, as_role, stored):
    doc, data = stored
    response = await client.head(f"/api/v1/documents/{doc}/content", headers=as_role("partner"))
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert response.headers["content-security-policy"] == "default-src 'none'; sandbox"
    ranged = await client.head(f"/api/v1/documents/{doc}/content", headers={**as_role("partner"), "range": "bytes=0-9"})
    assert (ranged.status_code, ranged.headers["content-length"]) == (206, "10")


async def test_an_unknown_version_is_404(client, as_role, stored):
    doc, _ = stored
    response = await client.get(f"/api/v1/documents/{doc}/versions/2/content", headers=as_role("partner"))
    assert response.status_code == 404
