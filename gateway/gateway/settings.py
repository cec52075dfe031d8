"""Configuration of the gateway (env prefix `GATEWAY_`)."""

from __future__ import annotations

import os

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from smartcity_kit.settings import DEV_INTERNAL_SECRET


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    environment: str = os.environ.get("SMARTCITY_ENVIRONMENT", "development")
    host: str = "127.0.0.1"
    port: int = 8000
    participants_url: str = "http://127.0.0.1:8001"
    mentoring_url: str = "http://127.0.0.1:8002"
    documents_url: str = "http://127.0.0.1:8003"
    # the services this gateway fronts (comma separated); readiness waits for each
    services: str = "participants,mentoring,documents"
    # seconds to open a connection to a service, and to wait for its answer (then 504)
    connect_timeout: float = 2.0
    upstream_timeout: float = 60.0
    pool_size: int = 200
    # the embedded issuer: tokens signed by the gateway's own key (see `gateway-token`)
    signing_key_path: str = ".data/gateway-signing-key.pem"
    issuer: str = "smartcity-gateway"
    audience: str = "smartcity-api"
    internal_secret: str = ""
    log_level: str = "INFO"
    access_log: bool = True

    @model_validator(mode="after")
    def _fill_shared(self) -> Settings:
        if not self.internal_secret:
            self.internal_secret = os.environ.get("SMARTCITY_INTERNAL_SECRET", DEV_INTERNAL_SECRET)
        if self.environment != "development" and self.internal_secret == DEV_INTERNAL_SECRET:
            raise ValueError("SMARTCITY_INTERNAL_SECRET must be set outside development.")
        return self

    def upstreams(self) -> dict[str, str]:
        urls = {
            "participants": self.participants_url.rstrip("/"),
            "mentoring": self.mentoring_url.rstrip("/"),
            "documents": self.documents_url.rstrip("/"),
        }
        return {name: urls[name] for name in (s.strip() for s in self.services.split(",")) if name in urls}
