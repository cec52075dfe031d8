"""Documents through the gateway with real processes: upload, download, ranges, refusals, delete and purge."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
from smartcity_dev.platform import BIN, Platform
from smartcity_kit.identity import Caller, sign_identity


def pdf(size: int) -> bytes:
    head = b"%PDF-1.7\n"
    return head + os.urandom(size - len(head))


@pytest.fixture(scope="module")
def uploaded(gateway_client: httpx.Client, bearer) -> tuple[dict, bytes]:
    data = pdf(3 * 1024 * 1024 + 17)  # several chunks each way
    response = gateway_client.post(
        "/api/v1/documents",
        data={"region_code": "32.73", "kind": "strategic_analysis", "title": "Buku 1 Kota Bandung"},
        files={"file": ("Buku 1.pdf", data, "application/pdf")},
        headers=bearer("region", "32.73"),
    )
    assert response.status_code == 201, response.text
    return response.json(), data


@pytest.fixture(scope="module")
def gateway_client(platform: Platform):
    with httpx.Client(base_url=platform.url(), timeout=60) as client:
        yield client


def test_upload_and_download_through_the_gateway(gateway_client, bearer, uploaded):
    document, data = uploaded
    assert (document["size"], document["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    url = f"/api/v1/documents/{document['id']}/content"
    with gateway_client.stream("GET", url, headers=bearer("partner")) as response:
        assert response.status_code == 200
        assert response.headers["etag"] == f'"{document["sha256"]}"'
        assert (
            response.headers["content-disposition"]
            == "attachment; filename=\"Buku 1.pdf\"; filename*=UTF-8''Buku%201.pdf"
        )
        received = b"".join(response.iter_bytes())
    assert received == data
    part = gateway_client.get(url, headers={**bearer("partner"), "range": "bytes=1000-1999"})
    assert (part.status_code, part.content) == (206, data[1000:2000])
    cached = gateway_client.get(url, headers={**bearer("partner"), "if-none-match": f'"{document["sha256"]}"'})
    assert cached.status_code == 304
    head = gateway_client.head(url, headers=bearer("partner"))
    assert (head.status_code, head.headers["content-length"]) == (200, str(len(data)))
    other_region = gateway_client.get(url, headers=bearer("region", "51.71"))
    assert other_region.status_code == 404


def test_a_spoofed_executable_is_415_through_the_gateway(gateway_client, bearer):
    response = gateway_client.post(
        "/api/v1/documents",
        data={"region_code": "32.73", "kind": "other", "title": "not a pdf"},
        files={"file": ("laporan.pdf", b"MZ\x90\x00" + os.urandom(200_000), "application/pdf")},
        headers=bearer("operator"),
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


def test_an_over_limit_upload_is_refused_through_the_gateway_before_its_body(platform: Platform, token):
    declared = 1024**3  # ten times the default limit; only its first 256 KiB are ever sent
    with socket.create_connection(("127.0.0.1", platform.ports["gateway"]), timeout=10) as sock:
        sock.sendall(
            b"POST /api/v1/documents HTTP/1.1\r\nHost: gateway\r\n"
            b"Authorization: Bearer " + token("operator").encode() + b"\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: " + str(declared).encode() + b"\r\n\r\n"
        )
        sock.sendall(b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n')
        sock.sendall(pdf(256 * 1024))
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]


def test_other_services_read_metadata_and_a_deleted_document_is_purged(platform: Platform, gateway_client, bearer):
    data = pdf(10_000)
    created = gateway_client.post(
        "/api/v1/documents",
        data={"region_code": "51.71", "kind": "mou", "title": "MoU Denpasar"},
        files={"file": ("mou.pdf", data, "application/pdf")},
        headers=bearer("operator"),
    ).json()
    as_mentoring = {
        "x-smartcity-identity": sign_identity(Caller(subject="mentoring", role="service"), platform.internal_secret)
    }
    direct = platform.url("documents") + f"/api/v1/documents/{created['id']}"
    metadata = httpx.get(direct, headers=as_mentoring)
    assert metadata.status_code == 200
    assert (metadata.json()["region_code"], metadata.json()["kind"]) == ("51.71", "mou")

    assert gateway_client.delete(f"/api/v1/documents/{created['id']}", headers=bearer("operator")).status_code == 204
    assert httpx.get(direct, headers=as_mentoring).status_code == 404
    stored = Path(platform.environ()["DOCUMENTS_STORAGE_DIR"]) / "objects" / created["sha256"][:2] / created["sha256"]
    assert stored.is_file()  # kept until a purge
    purge = subprocess.run(
        [str(BIN / "documents-purge")], env=platform.environ(), capture_output=True, text=True, check=True
    )
    outcome = json.loads(purge.stdout.strip().splitlines()[-1])
    assert created["sha256"] in outcome["sha256"]
    assert not stored.exists()
