"""Benchmark: upload and download a large file through the gateway; report throughput and peak memory.

Run from the repository root (after `make test` or `make run` has made .venv):

    .venv/bin/python bench/documents_upload.py            # 1 GiB, local-disk storage
    .venv/bin/python bench/documents_upload.py --mib 256
    .venv/bin/python bench/documents_upload.py --mib 256 --s3   # S3 backend: a moto server on loopback

It starts the whole platform (tools/smartcity_dev/platform.Platform) on free
ports with a database of its own (DATABASE_URL's server, else the embedded
PostgreSQL), writes a PDF-looking file of random bytes under `.data/bench/`,
times `cp` of that file on the same disk (plain, and with fsync, since the
service fsyncs before it records a version) and `sha256sum` of it (every
upload is hashed as it streams: that bounds the upload's speed), uploads it through the gateway
as multipart/form-data streamed from disk, downloads it back, and reports the
throughput of each and the peak RSS (VmHWM) of the gateway and documents
processes. Everything it made is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))

from smartcity_dev.platform import Platform, embedded_database  # noqa: E402
from smartcity_kit.identity import Caller, sign_identity  # noqa: E402

CHUNK = 1024 * 1024
BOUNDARY = "smartcity-bench-boundary"


def make_file(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        head = b"%PDF-1.7\n"
        f.write(head)
        digest.update(head)
        left = size - len(head)
        block = os.urandom(CHUNK)  # random once, varied cheaply: the content does not matter, only its size
        n = 0
        while left > 0:
            piece = (n.to_bytes(8, "big") + block[8:])[: min(CHUNK, left)]
            f.write(piece)
            digest.update(piece)
            left -= len(piece)
            n += 1
    return digest.hexdigest()


def rss_mib(pid: int, field: str = "VmHWM") -> float:
    """VmHWM: the most resident memory the process ever had; VmRSS: what it has now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def cp_seconds(source: Path, target: Path, *, fsync: bool) -> float:
    def run() -> None:
        subprocess.run(["cp", str(source), str(target)], check=True)
        if fsync:
            fd = os.open(target, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)

    seconds = timed(run)
    target.unlink()
    return seconds


def form_parts(path: Path):
    fields = {"region_code": "32.73", "kind": "masterplan_final", "title": "Rencana Induk (bench)"}
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    head += f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
    head += "Content-Type: application/pdf\r\n\r\n"
    tail = f"\r\n--{BOUNDARY}--\r\n"
    return head.encode(), tail.encode()


def upload(client: httpx.Client, path: Path, headers: dict[str, str]) -> httpx.Response:
    head, tail = form_parts(path)

    def body():
        yield head
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK):
                yield chunk
        yield tail

    length = len(head) + path.stat().st_size + len(tail)
    return client.post(
        "/api/v1/documents",
        content=body(),
        headers={
            **headers,
            "content-type": f"multipart/form-data; boundary={BOUNDARY}",
            "content-length": str(length),
        },
    )


def download(client: httpx.Client, url: str, headers: dict[str, str]) -> int:
    received = 0
    with client.stream("GET", url, headers=headers) as response:
        response.raise_for_status()
        for chunk in response.iter_raw(CHUNK):
            received += len(chunk)
    return received


def start_moto() -> tuple[subprocess.Popen, str]:
    from smartcity_dev.platform import free_port

    port = free_port()
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.put(f"{url}/bench", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the moto S3 server did not start")


async def admin(url: str, sql: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--s3", action="store_true", help="store in S3: a moto server (holds everything in memory)")
    args = parser.parse_args()
    size = args.mib * 1024 * 1024

    work = REPO / ".data" / "bench" / uuid.uuid4().hex[:8]
    work.mkdir(parents=True)
    handle = None
    server_url = os.environ.get("DATABASE_URL")
    if not server_url:
        server_url, handle = embedded_database(REPO / ".data")
    db = f"bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(admin(server_url, f'CREATE DATABASE "{db}"'))
    database_url = server_url.rsplit("/", 1)[0] + f"/{db}"
    if "?" in server_url.rsplit("/", 1)[1]:
        database_url += "?" + server_url.split("?", 1)[1]

    platform = Platform(database_url=database_url, root=work, log_dir=work / "logs")
    moto = None
    if args.s3:
        moto, endpoint = start_moto()
        platform.env.update(
            {
                "DOCUMENTS_STORAGE_BACKEND": "s3",
                "DOCUMENTS_S3_ENDPOINT_URL": endpoint,
                "DOCUMENTS_S3_BUCKET": "bench",
                "DOCUMENTS_S3_ACCESS_KEY_ID": "bench",
                "DOCUMENTS_S3_SECRET_ACCESS_KEY": "bench",
            }
        )
    platform.env.update(
        {
            "DOCUMENTS_STORAGE_DIR": str(work / "store"),
            "DOCUMENTS_MAX_UPLOAD_BYTES": str(size + CHUNK),
            "GATEWAY_SIGNING_KEY_PATH": str(work / "key.pem"),
            "GATEWAY_ACCESS_LOG": "false",
        }
    )
    try:
        source = work / "rencana-induk.pdf"
        print(f"writing a {args.mib} MiB file ...", flush=True)
        sha = make_file(source, size)
        cp_plain = cp_seconds(source, work / "copy.pdf", fsync=False)
        cp_synced = cp_seconds(source, work / "copy.pdf", fsync=True)
        # every upload is hashed (sha256 is the ETag): the hash alone bounds the upload's speed
        hash_only = timed(lambda: subprocess.run(["sha256sum", str(source)], check=True, capture_output=True))

        platform.start_all(timeout=120)
        idle = {name: rss_mib(process.pid) for name, process in platform.processes.items()}
        from gateway.settings import Settings as GatewaySettings
        from gateway.token_cli import issue_token

        token = issue_token(GatewaySettings(signing_key_path=str(work / "key.pem")), "bench", "operator", None, 3600)
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=platform.url(), timeout=600) as client:
            started = time.perf_counter()
            response = upload(client, source, headers)
            up = time.perf_counter() - started
            if response.status_code != 201:
                raise SystemExit(f"upload failed: {response.status_code} {response.text}")
            document = response.json()
            assert (document["size"], document["sha256"]) == (size, sha), document
            started = time.perf_counter()
            received = download(client, f"/api/v1/documents/{document['id']}/content", headers)
            down = time.perf_counter() - started
            assert received == size, received
        # the same, straight to the documents service: what the gateway's hop costs
        caller = Caller(subject="bench", role="operator")
        direct_headers = {"x-smartcity-identity": sign_identity(caller, platform.internal_secret, ttl=3600)}
        with httpx.Client(base_url=platform.url("documents"), timeout=600) as client:
            started = time.perf_counter()
            response = upload(client, source, direct_headers)
            up_direct = time.perf_counter() - started
            assert response.status_code == 201, response.text
            started = time.perf_counter()
            download(client, f"/api/v1/documents/{document['id']}/content", direct_headers)
            down_direct = time.perf_counter() - started
        rss = {name: rss_mib(process.pid) for name, process in platform.processes.items()}

        def rate(seconds: float) -> str:
            return f"{size / seconds / 1024 / 1024:8.1f} MiB/s ({seconds:6.2f} s)"

        where = f"local disk ({work / 'store'})"
        if args.s3:
            where = f"S3 ({platform.env['DOCUMENTS_S3_ENDPOINT_URL']}, moto)"
        print(f"\nfile: {args.mib} MiB, storage: {where}")
        print(f"cp                       {rate(cp_plain)}")
        print(f"cp + fsync               {rate(cp_synced)}")
        print(f"sha256sum                {rate(hash_only)}")
        print(f"upload via gateway       {rate(up)}   = {cp_plain / up:.2f} x cp, {cp_synced / up:.2f} x cp+fsync")
        print(f"download via gateway     {rate(down)}")
        print(f"upload, no gateway       {rate(up_direct)}")
        print(f"download, no gateway     {rate(down_direct)}")
        for name, mib in rss.items():
            note = "" if name in ("gateway", "documents") else ", not in the transfers' path"
            print(f"peak RSS {name:<16}{mib:8.1f} MiB   (peak before the transfers: {idle[name]:.1f} MiB{note})")
    finally:
        platform.stop_all()
        if moto is not None:
            moto.terminate()
            moto.wait(10)
        asyncio.run(admin(server_url, f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        shutil.rmtree(work, ignore_errors=True)
        del handle


if __name__ == "__main__":
    main()
