"""SIGTERM reaches the documents service in the middle of a large upload.

Stopping takes no new requests but lets those in flight finish within the grace period: an
upload whose bytes keep coming completes (201, readable after a restart); one that is still
unfinished when the grace period ends is cancelled and leaves nothing behind: no row, no event,
no stored bytes, no temporary file once the service has started again.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import os
import signal
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from smartcity_dev.platform import Platform, free_port
from smartcity_dev.testing import wait_until
from smartcity_kit.identity import Caller, sign_identity

MiB = 1024 * 1024
SIZE = 24 * MiB


@pytest.fixture
def documents(new_database: Callable[[], str], tmp_path: Path) -> Iterator[Platform]:
    (tmp_path / ".data").mkdir()
    platform = Platform(database_url=new_database(), root=tmp_path, log_dir=tmp_path / "logs", services=["documents"])
    platform.ports = {name: free_port() for name in ("participants", "mentoring", "documents", "gateway")}
    try:
        platform.migrate()
        yield platform
    except BaseException:
        for log in sorted((tmp_path / "logs").glob("*.log")):
            print(f"--- {log.name}\n{log.read_text()[-4000:]}")
        raise
    finally:
        platform.stop_all()


def identity(platform: Platform) -> str:
    return sign_identity(
        Caller(subject="tim@bandung.go.id", role="region", region_code="32.73"), platform.internal_secret
    )


class Upload:
    """A multipart upload sent piece by piece over one connection."""

    def __init__(self, platform: Platform) -> None:
        boundary = uuid.uuid4().hex
        self.content = b"%PDF-1.7\n" + os.urandom(SIZE - 9)
        fields = {"region_code": "32.73", "kind": "masterplan_final", "title": "Buku 2 Kota Bandung"}
        head = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        )
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="buku-2.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        self.body = head + self.content + f"\r\n--{boundary}--\r\n".encode()
        self.sent = 0
        self.connection = http.client.HTTPConnection("127.0.0.1", platform.ports["documents"], timeout=120)
        self.connection.putrequest("POST", "/api/v1/documents")
        self.connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        self.connection.putheader("Content-Length", str(len(self.body)))
        self.connection.putheader("X-Smartcity-Identity", identity(platform))
        self.connection.endheaders()

    def send(self, size: int) -> None:
        for start in range(self.sent, min(self.sent + size, len(self.body)), MiB):
            self.connection.send(self.body[start : min(start + MiB, self.sent + size, len(self.body))])
        self.sent = min(self.sent + size, len(self.body))

    def response(self) -> http.client.HTTPResponse:
        return self.connection.getresponse()


def temporary_files(platform: Platform) -> list[Path]:
    return [p for p in (platform.root / ".data/documents/tmp").rglob("*") if p.is_file() and p.suffix != ".lock"]


def stored_objects(platform: Platform) -> list[Path]:
    return [p for p in (platform.root / ".data/documents/objects").rglob("*") if p.is_file()]


def rows(platform: Platform) -> tuple[int, int, int]:
    async def run() -> tuple[int, int, int]:
        conn = await asyncpg.connect(platform.database_url)
        try:
            return tuple(
                await conn.fetchrow(
                    "SELECT (SELECT count(*) FROM documents.documents), (SELECT count(*) FROM documents.versions),"
                    " (SELECT count(*) FROM documents.events)"
                )
            )
        finally:
            await conn.close()

    return asyncio.run(run())


def start_documents(platform: Platform) -> None:
    platform.start("documents")
    platform.wait_ready(name="documents")


def sigterm_mid_upload(platform: Platform) -> Upload:
    """Start an upload, wait until the service is writing it, then SIGTERM the service."""
    start_documents(platform)
    upload = Upload(platform)
    upload.send(SIZE // 3)
    wait_until(lambda: any(p.stat().st_size > 0 for p in temporary_files(platform)))
    platform.processes["documents"].send_signal(signal.SIGTERM)
    return upload


def test_an_upload_in_flight_at_sigterm_completes_and_is_readable_after_a_restart(documents: Platform):
    documents.env["DOCUMENTS_SHUTDOWN_GRACE_SECONDS"] = "120"
    upload = sigterm_mid_upload(documents)
    upload.send(len(upload.body))
    response = upload.response()
    body = response.read()
    assert response.status == 201, body
    process = documents.processes["documents"]
    assert process.wait(60) in (0, -signal.SIGTERM)

    start_documents(documents)
    document = httpx.Response(201, content=body).json()
    content = httpx.get(
        f"{documents.url('documents')}/api/v1/documents/{document['id']}/content",
        headers={"x-smartcity-identity": identity(documents)},
        timeout=60,
    )
    assert (content.status_code, hashlib.sha256(content.content).hexdigest()) == (
        200,
        hashlib.sha256(upload.content).hexdigest(),
    )
    assert rows(documents) == (1, 1, 1)
    assert temporary_files(documents) == []


def test_an_upload_unfinished_when_the_grace_period_ends_leaves_nothing_behind(documents: Platform):
    documents.env["DOCUMENTS_SHUTDOWN_GRACE_SECONDS"] = "1"
    upload = sigterm_mid_upload(documents)
    process = documents.processes["documents"]
    # the client stalls: the process cancels the upload when the grace period ends, then exits
    assert process.wait(60) in (0, -signal.SIGTERM)
    with pytest.raises((ConnectionError, http.client.HTTPException, OSError)):
        upload.send(len(upload.body))
        upload.response().read()

    start_documents(documents)
    assert rows(documents) == (0, 0, 0)
    assert stored_objects(documents) == []
    assert temporary_files(documents) == []
