"""Documents tests: one migrated database per session, each test in a rolled-back transaction,
and every behaviour test run on both storage backends (local disk and a real S3-compatible server)."""

from __future__ import annotations

import asyncio
import io
import os
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from documents.library.mentored import MentoredRegions
from documents.main import create_app
from documents.migrate import MIGRATIONS
from documents.settings import Settings
from documents.storage import make_storage
from smartcity_dev.platform import free_port
from smartcity_dev.testing import skip_without
from smartcity_kit.migrations import upgrade
from sqlalchemy.ext.asyncio import AsyncEngine

SECRET = "documents-test-secret-of-32-chars-or-more"
LIMIT = 2 * 1024 * 1024  # a small upload limit keeps the over-limit tests cheap
BUCKET = "smartcity-documents-test"
S3_KEYS = {"s3_access_key_id": "testing", "s3_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def migrated_url(database_url: str) -> str:
    upgrade(MIGRATIONS, database_url)
    return database_url


@pytest.fixture(scope="session")
def internal_secret() -> str:
    return SECRET


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3-compatible server (moto in server mode) over HTTP on loopback, with the test bucket."""
    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    try:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        skip_without("s3", f"the S3-compatible test server (moto) could not be started: {exc}")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    try:
        while True:
            if process.poll() is not None:
                skip_without("s3", f"the S3-compatible test server (moto) exited with {process.returncode} at start")
            try:
                if httpx.put(f"{url}/{BUCKET}", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                skip_without("s3", "the S3-compatible test server (moto) did not answer within 30 s")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def settings(backend: str, migrated_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    extra: dict = {}
    if backend == "s3":
        extra = {
            "s3_endpoint_url": request.getfixturevalue("s3_endpoint"),
            "s3_bucket": BUCKET,
            "s3_prefix": f"{uuid.uuid4().hex}/",  # each test sees only its own keys
            "s3_temp_grace_seconds": 0,
            **S3_KEYS,
        }
    return Settings(
        database_url=migrated_url,
        internal_secret=SECRET,
        storage_backend=backend,
        storage_dir=tmp_path / "store",
        max_upload_bytes=LIMIT,
        **extra,
    )


@pytest.fixture
async def storage(settings: Settings):
    storage = make_storage(settings)
    await storage.start()
    yield storage
    await storage.close()


@pytest.fixture
async def app(settings: Settings, engine: AsyncEngine, session_factory, storage):
    app = create_app(settings)
    app.state.engine = engine
    app.state.sessionmaker = session_factory
    app.state.storage = storage
    # no mentoring service runs beside these tests: a mentor's reads find it absent (tests/ run the real one)
    async with httpx.AsyncClient() as http:
        app.state.mentored = MentoredRegions(
            base_url=f"http://127.0.0.1:{free_port()}", client=http, secret=SECRET, ttl=30
        )
        yield app


@pytest.fixture
async def live(app) -> AsyncIterator[tuple[str, int]]:
    """The same app served by uvicorn on a real loopback socket, for tests that need a real connection."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, lifespan="off", log_config=None, access_log=False, timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    yield sock.getsockname()
    server.should_exit = True
    await task
    sock.close()


# --- sample files, made here from their formats' rules ----------------------------------------------------------


def pdf(body: bytes = b"", size: int | None = None) -> bytes:
    data = b"%PDF-1.7\n" + body
    if size is not None:
        data += os.urandom(max(size - len(data) - 6, 0)) + b"\n%%EOF"
    return data[:size] if size is not None else data + b"\n%%EOF\n"


def zipped(entries: list[tuple[str, bytes]], *, stored_first: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for i, (name, data) in enumerate(entries):
            z.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored_first and i == 0 else None)
    return out.getvalue()


SAMPLES: dict[str, bytes] = {
    "application/pdf": pdf(b"1 0 obj << /Type /Catalog >> endobj"),
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17),
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": zipped(
        [("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<Relationships/>"), ("word/document.xml", b"<w/>")]
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": zipped(
        [("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<workbook/>")]
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": zipped(
        [("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p/>")]
    ),
    "application/vnd.oasis.opendocument.text": zipped(
        [("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<office/>")], stored_first=True
    ),
}


@pytest.fixture
def samples() -> dict[str, bytes]:
    return SAMPLES


@pytest.fixture
def make_pdf() -> Callable[..., bytes]:
    return pdf


@pytest.fixture
def make_zip() -> Callable[..., bytes]:
    return zipped


def form_body(fields: dict[str, str], file: tuple[str, bytes, str] | None, boundary: str) -> bytes:
    """A multipart/form-data body written out byte for byte (a file name goes in as raw UTF-8, as browsers send)."""
    out = b""
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    if file is not None:
        filename, data, content_type = file
        out += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n"
            ).encode()
            + data
            + b"\r\n"
        )
    return out + f"--{boundary}--\r\n".encode()


@pytest.fixture
def multipart() -> Callable[..., bytes]:
    return form_body


@pytest.fixture
def upload(client):
    """POST a new document; returns the response."""

    async def post(
        data: bytes,
        *,
        headers: dict[str, str],
        region_code: str = "32.73",
        kind: str = "readiness_report",
        title: str = "Laporan kesiapan",
        filename: str = "laporan.pdf",
        content_type: str = "application/pdf",
        boundary: str = "smartcity-test-boundary",
    ) -> httpx.Response:
        body = form_body(
            {"region_code": region_code, "kind": kind, "title": title}, (filename, data, content_type), boundary
        )
        return await client.post(
            "/api/v1/documents",
            content=body,
            headers={**headers, "content-type": f"multipart/form-data; boundary={boundary}"},
        )

    return post


@pytest.fixture
def leftovers(settings: Settings, storage):
    """What storage holds: stored objects and temporary objects (S3: also unfinished multipart uploads)."""

    async def look() -> dict[str, list[str]]:
        objects = sorted([sha async for sha in storage.objects()])
        if settings.storage_backend == "local":
            temp = sorted(p.name for p in (settings.storage_dir / "tmp").glob("*/*"))
        else:
            client, prefix = storage.client, f"{settings.s3_prefix}tmp/"
            listed = await client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
            uploads = await client.list_multipart_uploads(Bucket=BUCKET, Prefix=prefix)
            temp = sorted(
                [o["Key"] for o in listed.get("Contents", [])] + [u["Key"] for u in uploads.get("Uploads", [])]
            )
        return {"objects": objects, "temp": temp}

    return look
