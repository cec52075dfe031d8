"""Where the bytes live: local disk (default) or an S3-compatible store, behind one interface."""

from __future__ import annotations

from ..settings import Settings
from .base import Storage, TempObject

__all__ = ["Storage", "TempObject", "make_storage"]


def make_storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        from .s3 import S3Storage

        return S3Storage(
            endpoint_url=settings.s3_endpoint_url,
            bucket=settings.s3_bucket,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
            region=settings.s3_region,
            prefix=settings.s3_prefix,
            part_size=settings.s3_part_size,
            temp_grace_seconds=settings.s3_temp_grace_seconds,
        )
    from .local import LocalStorage

    return LocalStorage(settings.storage_dir)
