"""Configuration of the documents service (env prefix `DOCUMENTS_`)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings

MiB = 1024 * 1024


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DOCUMENTS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8003
    # the largest file accepted by an upload, in bytes
    max_upload_bytes: int = 100 * MiB
    # where a mentor's regions are asked (the tracks it is assigned to), and for how long an answer is kept
    mentoring_url: str = "http://127.0.0.1:8002"
    mentoring_timeout: float = 5.0
    mentor_scope_ttl: float = 30.0

    storage_backend: Literal["local", "s3"] = "local"
    # local backend: where the bytes live
    storage_dir: Path = Path(".data/documents")
    # S3 backend: any S3-compatible store
    s3_endpoint_url: str | None = None
    s3_bucket: str = ""
    s3_access_key_id: str | None = None
    s3_secret_access_key: str | None = None
    s3_region: str = "us-east-1"
    s3_prefix: str = ""
    s3_part_size: int = 8 * MiB
    # an unfinished S3 upload older than this is a crash's leftover (other replicas may be mid-upload)
    s3_temp_grace_seconds: int = 6 * 3600

    @model_validator(mode="after")
    def _check_storage(self) -> Settings:
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("DOCUMENTS_S3_BUCKET must be set when DOCUMENTS_STORAGE_BACKEND=s3.")
        if not 5 * MiB <= self.s3_part_size <= 512 * MiB:
            raise ValueError("DOCUMENTS_S3_PART_SIZE must be between 5 MiB and 512 MiB.")
        if self.max_upload_bytes < 1:
            raise ValueError("DOCUMENTS_MAX_UPLOAD_BYTES must be positive.")
        return self
