"""Configuration of the gateway (env prefix `GATEWAY_`)."""

from __future__ import annotations

import os
from typing import Literal

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from smartcity_kit.identity import ROLES
from smartcity_kit.settings import DEV_INTERNAL_SECRET

from .clientaddress import Network, parse_networks

# requests per second and burst, per caller, by role
DEFAULT_RATE_LIMITS = "admin=50:100,operator=50:100,mentor=20:40,region=20:40,partner=10:20,auditor=20:40"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    environment: str = os.environ.get("SMARTCITY_ENVIRONMENT", "development")
    host: str = "127.0.0.1"
    port: int = 8000
    participants_url: str = "http://127.0.0.1:8001"
    mentoring_url: str = "http://127.0.0.1:8002"
    documents_url: str = "http://127.0.0.1:8003"
    webhooks_url: str = "http://127.0.0.1:8004"
    monitoring_url: str = "http://127.0.0.1:8005"
    reports_url: str = "http://127.0.0.1:8006"
    # the services this gateway fronts (comma separated); readiness waits for each
    services: str = "participants,mentoring,documents,webhooks,monitoring,reports"
    # seconds to open a connection to a service, and to wait for its answer (then 504)
    connect_timeout: float = 2.0
    upstream_timeout: float = 60.0
    # seconds /readyz waits for each service before calling it unavailable
    readiness_timeout: float = 3.0
    pool_size: int = 200
    # bounds on what a client sends (README, Security): total header bytes (431), a body that is not an upload
    # (413), seconds to send the headers, seconds a body may stall, least average bytes a second of a body
    # requests of one route (method and path template), and of one service, in flight at once from this replica;
    # past either a request waits in line up to queue_timeout seconds, then 503 (uploads and content downloads
    # are not counted: a caller holds at most max_uploads_per_caller uploads at once, then 429)
    route_concurrency: int = 8
    service_concurrency: int = 64
    queue_timeout: float = 1.0
    max_uploads_per_caller: int = 4
    max_header_bytes: int = 16 * 1024
    max_body_bytes: int = 1024 * 1024
    header_timeout: float = 10.0
    body_idle_timeout: float = 30.0
    min_body_rate: float = 1024.0
    # the embedded issuer: tokens signed by the gateway's own key (see `gateway-token`); off: only OIDC and API keys
    embedded_issuer: bool = True
    signing_key_path: str = ".data/gateway-signing-key.pem"
    issuer: str = "smartcity-gateway"
    audience: str = "smartcity-api"
    # an OpenID Connect provider: its issuer, the audience it puts in tokens for us, and its JWKS
    # (default: <issuer>/.well-known/openid-configuration's jwks_uri)
    oidc_issuer: str = ""
    oidc_audience: str = ""
    oidc_jwks_url: str = ""
    # seconds a fetched JWKS is trusted; an unknown `kid` refetches, at most once per `oidc_jwks_min_refresh`
    oidc_jwks_ttl: float = 3600.0
    oidc_jwks_min_refresh: float = 10.0
    # operators sign in to /docs at that provider: the public client registered for the docs (authorization code
    # flow with PKCE, redirect URI <gateway>/docs/oauth2-redirect.html) and the scopes asked (space separated)
    docs_oidc_client_id: str = ""
    docs_oidc_scopes: str = "openid"
    # which claims carry subject, role and region (the provider's names); dotted paths reach into objects
    claim_subject: str = "sub"
    claim_role: str = "role"
    claim_region: str = "region_code"
    # seconds of clock difference tolerated on exp / nbf / iat
    clock_leeway: int = 30
    # API keys live in the gateway's schema; without a database they are switched off
    database_url: str = ""
    db_pool_size: int = 5
    # the audit sealer (smartcity_kit.audit.chain) of the API keys' audit trail; false for no sealer here
    audit_sealer: bool = True
    audit_seal_interval: float = 1.0
    # seconds a found API key is remembered by this replica (revocations also reach it at once via NOTIFY)
    api_key_cache_seconds: float = 1.0
    # rate limits per caller: role=rate_per_second:burst, comma separated; shared through Redis when set
    rate_limits: str = DEFAULT_RATE_LIMITS
    redis_url: str = ""
    # failed credential checks tolerated per client address (per second:burst), then 429 for the next failures;
    # requests without credentials are not counted and credentials that verify always pass
    failed_auth_limit: str = "5:50"
    # reads of the merged OpenAPI document per client address (per second:burst); it is anonymous and large
    openapi_rate_limit: str = "5:30"
    # the proxies in front (the Ingress): addresses or networks, comma separated; only a request from one of them
    # has its client address taken from `forwarded_header` (X-Forwarded-For, or RFC 7239 Forwarded)
    trusted_proxies: str = ""
    forwarded_header: Literal["x-forwarded-for", "forwarded"] = "x-forwarded-for"
    # origins allowed to call from a browser (comma separated, or *)
    cors_origins: str = ""
    # seconds between refreshes of the merged OpenAPI document (missing services are retried on each read)
    openapi_refresh: float = 60.0
    openapi_retry_missing: float = 1.0
    internal_secret: str = ""
    log_level: str = "INFO"
    access_log: bool = True
    # seconds a SIGTERM leaves the requests in flight to finish before they are cancelled
    shutdown_grace_seconds: int = 20

    @model_validator(mode="after")
    def _fill_shared(self) -> Settings:
        if not self.internal_secret:
            self.internal_secret = os.environ.get("SMARTCITY_INTERNAL_SECRET", DEV_INTERNAL_SECRET)
        if self.environment != "development" and self.internal_secret == DEV_INTERNAL_SECRET:
            raise ValueError("SMARTCITY_INTERNAL_SECRET must be set outside development.")
        if not self.database_url:
            self.database_url = os.environ.get("DATABASE_URL", "")
        if not self.redis_url:
            self.redis_url = os.environ.get("REDIS_URL", "")
        if self.oidc_issuer and not self.oidc_audience:
            raise ValueError("GATEWAY_OIDC_AUDIENCE must be set with GATEWAY_OIDC_ISSUER.")
        if self.docs_oidc_client_id and not self.oidc_issuer:
            raise ValueError("GATEWAY_DOCS_OIDC_CLIENT_ID needs GATEWAY_OIDC_ISSUER: the provider it is registered at.")
        self.role_limits()  # refuse a malformed value at start-up
        self.trusted_networks()
        try:
            rate, burst = self.failed_auth_bucket()
        except ValueError:
            rate = burst = 0
        if rate <= 0 or burst < 1:
            raise ValueError("GATEWAY_FAILED_AUTH_LIMIT must be rate:burst with a rate > 0 and a burst >= 1.")
        try:
            rate, burst = self.openapi_bucket()
        except ValueError:
            rate = burst = 0
        if rate <= 0 or burst < 1:
            raise ValueError("GATEWAY_OPENAPI_RATE_LIMIT must be rate:burst with a rate > 0 and a burst >= 1.")
        return self

    def upstreams(self) -> dict[str, str]:
        urls = {
            "participants": self.participants_url.rstrip("/"),
            "mentoring": self.mentoring_url.rstrip("/"),
            "documents": self.documents_url.rstrip("/"),
            "monitoring": self.monitoring_url.rstrip("/"),
            "reports": self.reports_url.rstrip("/"),
            "webhooks": self.webhooks_url.rstrip("/"),
        }
        return {name: urls[name] for name in (s.strip() for s in self.services.split(",")) if name in urls}

    def role_limits(self) -> dict[str, tuple[float, float]]:
        """`admin=50:100,...` -> {"admin": (50.0, 100.0)}; a role left out is not limited."""
        limits: dict[str, tuple[float, float]] = {}
        for item in filter(None, (part.strip() for part in self.rate_limits.split(","))):
            role, _, spec = item.partition("=")
            rate, _, burst = spec.partition(":")
            try:
                limits[role.strip()] = (float(rate), float(burst or rate))
            except ValueError:
                raise ValueError(f"GATEWAY_RATE_LIMITS: '{item}' is not role=rate:burst.") from None
            if role.strip() not in ROLES or limits[role.strip()][0] <= 0 or limits[role.strip()][1] < 1:
                raise ValueError(f"GATEWAY_RATE_LIMITS: '{item}' needs a known role, a rate > 0 and a burst >= 1.")
        return limits

    def failed_auth_bucket(self) -> tuple[float, float]:
        rate, _, burst = self.failed_auth_limit.partition(":")
        return float(rate), float(burst or rate)

    def openapi_bucket(self) -> tuple[float, float]:
        rate, _, burst = self.openapi_rate_limit.partition(":")
        return float(rate), float(burst or rate)

    def trusted_networks(self) -> list[Network]:
        return parse_networks(self.trusted_proxies)

    def docs_oidc_scope_list(self) -> list[str]:
        return self.docs_oidc_scopes.split()

    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
