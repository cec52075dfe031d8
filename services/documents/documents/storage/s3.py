"""Bytes in any S3-compatible store: `<prefix>objects/<sha256>` and `<prefix>tmp/<upload>`.

An upload is an S3 multipart upload of the temporary key, one part buffered
at a time, so memory stays at one part whatever the file size. Committing
completes it and copies it (server side) to the key named by its hash.
Unfinished multipart uploads and temporary objects older than the grace
period are a crashed process's leftovers and are removed by the sweep.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError

from .base import CHUNK

COPY_LIMIT = 5 * 1024**3  # the largest object a single CopyObject may copy


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "NoSuchUpload")


class S3Temp:
    def __init__(self, storage: S3Storage, key: str, upload_id: str) -> None:
        self.s3 = storage
        self.key = key
        self.upload_id: str | None = upload_id
        self.parts: list[dict[str, Any]] = []
        self.pending: list[bytes | memoryview] = []
        self.pending_size = 0
        self.completed = False

    async def write(self, data: bytes | memoryview) -> None:
        self.pending.append(data)
        self.pending_size += len(data)
        if self.pending_size >= self.s3.part_size:
            await self._upload_part()

    async def _upload_part(self) -> None:
        body = b"".join(self.pending)
        self.pending, self.pending_size = [], 0
        number = len(self.parts) + 1
        response = await self.s3.client.upload_part(
            Bucket=self.s3.bucket, Key=self.key, UploadId=self.upload_id, PartNumber=number, Body=body
        )
        self.parts.append({"PartNumber": number, "ETag": response["ETag"]})

    async def commit(self, sha256: str) -> bool:
        if self.pending or not self.parts:
            await self._upload_part()
        client, bucket = self.s3.client, self.s3.bucket
        await client.complete_multipart_upload(
            Bucket=bucket, Key=self.key, UploadId=self.upload_id, MultipartUpload={"Parts": self.parts}
        )
        self.completed = True
        try:
            if await self.s3.exists(sha256):
                return False
            await self.s3.copy(self.key, self.s3.object_key(sha256))
            return True
        finally:
            await client.delete_object(Bucket=bucket, Key=self.key)
            self.completed, self.upload_id = False, None  # nothing left for abort to remove

    async def abort(self) -> None:
        self.pending = []
        client, bucket = self.s3.client, self.s3.bucket
        if self.completed:
            await client.delete_object(Bucket=bucket, Key=self.key)
        elif self.upload_id is not None:
            try:
                await client.abort_multipart_upload(Bucket=bucket, Key=self.key, UploadId=self.upload_id)
            except ClientError as exc:
                if not _missing(exc):
                    raise
        self.upload_id = None


class S3Storage:
    def __init__(
        self,
        *,
        endpoint_url: str | None,
        bucket: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        region: str,
        prefix: str,
        part_size: int,
        temp_grace_seconds: int,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.bucket = bucket
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.region = region
        self.prefix = prefix
        self.part_size = part_size
        self.grace = timedelta(seconds=temp_grace_seconds)
        self.started_at = datetime.now(UTC)
        self._stack = AsyncExitStack()
        self.client: Any = None

    def object_key(self, sha256: str) -> str:
        return f"{self.prefix}objects/{sha256}"

    async def start(self) -> None:
        self.started_at = datetime.now(UTC)
        config = AioConfig(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=60,
            max_pool_connections=50,
        )
        self.client = await self._stack.enter_async_context(
            get_session().create_client(
                "s3",
                endpoint_url=self.endpoint_url,
                region_name=self.region,
                aws_access_key_id=self.access_key_id,
                aws_secret_access_key=self.secret_access_key,
                config=config,
            )
        )

    async def close(self) -> None:
        await self._stack.aclose()

    async def begin(self) -> S3Temp:
        key = f"{self.prefix}tmp/{uuid.uuid4().hex}"
        response = await self.client.create_multipart_upload(Bucket=self.bucket, Key=key)
        return S3Temp(self, key, response["UploadId"])

    async def exists(self, sha256: str) -> bool:
        try:
            await self.client.head_object(Bucket=self.bucket, Key=self.object_key(sha256))
            return True
        except ClientError as exc:
            if _missing(exc):
                return False
            raise

    async def copy(self, source: str, target: str) -> None:
        head = await self.client.head_object(Bucket=self.bucket, Key=source)
        size = head["ContentLength"]
        if size <= COPY_LIMIT:
            await self.client.copy_object(
                Bucket=self.bucket, Key=target, CopySource={"Bucket": self.bucket, "Key": source}
            )
            return
        upload = await self.client.create_multipart_upload(Bucket=self.bucket, Key=target)
        parts, step = [], 1024**3
        try:
            for number, start in enumerate(range(0, size, step), start=1):
                part = await self.client.upload_part_copy(
                    Bucket=self.bucket,
                    Key=target,
                    UploadId=upload["UploadId"],
                    PartNumber=number,
                    CopySource={"Bucket": self.bucket, "Key": source},
                    CopySourceRange=f"bytes={start}-{min(start + step, size) - 1}",
                )
                parts.append({"PartNumber": number, "ETag": part["CopyPartResult"]["ETag"]})
            await self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=target, UploadId=upload["UploadId"], MultipartUpload={"Parts": parts}
            )
        except BaseException:
            await self.client.abort_multipart_upload(Bucket=self.bucket, Key=target, UploadId=upload["UploadId"])
            raise

    async def read(self, sha256: str, start: int, end: int) -> AsyncIterator[bytes]:
        response = await self.client.get_object(
            Bucket=self.bucket, Key=self.object_key(sha256), Range=f"bytes={start}-{end - 1}"
        )
        async with response["Body"] as body:
            async for chunk in body.iter_chunks(CHUNK):
                yield chunk

    async def delete(self, sha256: str) -> None:
        await self.client.delete_object(Bucket=self.bucket, Key=self.object_key(sha256))

    async def _keys(self, prefix: str) -> AsyncIterator[dict[str, Any]]:
        paginator = self.client.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                yield item

    async def objects(self) -> AsyncIterator[str]:
        prefix = f"{self.prefix}objects/"
        async for item in self._keys(prefix):
            name = item["Key"][len(prefix) :]
            if len(name) == 64:
                yield name

    async def sweep_temp(self) -> int:
        prefix = f"{self.prefix}tmp/"
        cutoff = self.started_at - self.grace
        removed = 0
        paginator = self.client.get_paginator("list_multipart_uploads")
        async for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for upload in page.get("Uploads", []):
                if upload["Initiated"] < cutoff:
                    await self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    removed += 1
        async for item in self._keys(prefix):
            if item["LastModified"] < cutoff:
                await self.client.delete_object(Bucket=self.bucket, Key=item["Key"])
                removed += 1
        return removed
