"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

import os

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_INTERNAL_SECRET = "dev-only-internal-secret-change-me"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore")

    environment: str = os.environ.get("SMARTCITY_ENVIRONMENT", "development")
    database_url: str = ""
    # the secret the gateway signs forwarded identities with (SMARTCITY_INTERNAL_SECRET)
    internal_secret: str = ""
    log_level: str = "INFO"
    db_pool_size: int = 10
    # seconds a SIGTERM leaves the requests in flight to finish before they are cancelled
    shutdown_grace_seconds: int = 20
    # the HTTP server's bounds (smartcity_kit.httpserver): headers a little above the gateway's 16 KiB, which
    # adds the signed identity; every body that is not an upload; header time; a body's idle time and pace
    max_header_bytes: int = 32 * 1024
    max_body_bytes: int = 1024 * 1024
    header_timeout: float = 10.0
    body_idle_timeout: float = 30.0
    min_body_rate: float = 1024.0
    # the audit sealer (smartcity_kit.audit.chain): chains new audit entries this often; false for no sealer here
    audit_sealer: bool = True
    audit_seal_interval: float = 1.0

    @model_validator(mode="after")
    def _fill_shared(self) -> ServiceSettings:
        if not self.database_url:
            self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.internal_secret:
            self.internal_secret = os.environ.get("SMARTCITY_INTERNAL_SECRET", DEV_INTERNAL_SECRET)
        if len(self.internal_secret) < 32:
            raise ValueError("SMARTCITY_INTERNAL_SECRET must be at least 32 characters.")
        if self.environment != "development" and self.internal_secret == DEV_INTERNAL_SECRET:
            raise ValueError("SMARTCITY_INTERNAL_SECRET must be set outside development.")
        if not self.database_url:
            raise ValueError("DATABASE_URL (or the service's own *_DATABASE_URL) is not set.")
        return self
