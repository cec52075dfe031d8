"""Over a real socket: an upload cut off halfway leaves nothing behind, and an over-limit upload is refused
before its body is read; on both backends."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from documents.library.models import Document
from smartcity_dev.testing import eventually

BOUNDARY = "cut-off-test"


def head(path: str, headers: dict[str, str], length: int | None) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: documents", f"Content-Type: multipart/form-data; boundary={BOUNDARY}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append(f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def form_start() -> bytes:
    fields = {"region_code": "32.73", "kind": "masterplan_draft", "title": "Buku 2"}
    out = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    out += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="b2.pdf"\r\n\r\n'
    return out.encode()


async def read_status(reader: asyncio.StreamReader) -> int:
    header = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    return int(header.split(b" ", 2)[1])


async def test_an_upload_cut_off_halfway_leaves_no_row_and_no_bytes(live, as_role, make_pdf, session, leftovers):
    file = make_pdf(size=1536 * 1024)
    body = form_start() + file + f"\r\n--{BOUNDARY}--\r\n".encode()
    reader, writer = await asyncio.open_connection(*live)
    writer.write(head("/api/v1/documents", as_role("region", "32.73"), len(body)))
    writer.write(body[: len(body) // 2])
    await writer.drain()

    async def receiving() -> bool:
        return bool((await leftovers())["temp"])

    await eventually(receiving)  # the service is mid-upload, writing a temporary object
    writer.transport.abort()  # the client vanishes without a word

    async def cleaned() -> bool:
        return (await leftovers())["temp"] == []

    await eventually(cleaned)
    assert await leftovers() == {"objects": [], "temp": []}
    assert (await session.execute(sa.select(sa.func.count()).select_from(Document))).scalar_one() == 0


async def test_a_declared_over_limit_upload_is_refused_before_any_body_is_sent(live, as_role, settings):
    reader, writer = await asyncio.open_connection(*live)
    writer.write(head("/api/v1/documents", as_role("operator"), settings.max_upload_bytes * 10))
    await writer.drain()
    assert await read_status(reader) == 413
    writer.close()


async def test_a_chunked_upload_is_refused_as_soon_as_it_passes_the_limit(
    live, as_role, settings, make_pdf, session, leftovers
):
    reader, writer = await asyncio.open_connection(*live)
    writer.write(head("/api/v1/documents", as_role("operator"), None))
    sent = 0

    def chunk(data: bytes) -> bytes:
        return b"%x\r\n" % len(data) + data + b"\r\n"

    writer.write(chunk(form_start() + make_pdf(size=64 * 1024)))
    block = bytes(64 * 1024)
    # the body would be ten times the limit; only a little more than the limit is ever sent
    while sent <= settings.max_upload_bytes + 256 * 1024:
        writer.write(chunk(block))
        sent += len(block)
        await writer.drain()
    assert await read_status(reader) == 413
    assert sent < settings.max_upload_bytes * 10
    # the service closes the connection rather than read the rest
    try:
        while await asyncio.wait_for(reader.read(65536), 10):
            pass
    except ConnectionResetError:
        pass
    writer.close()
    assert (await leftovers())["temp"] == []
    assert (await session.execute(sa.select(sa.func.count()).select_from(Document))).scalar_one() == 0
