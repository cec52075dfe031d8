"""Configuration of the webhooks service (env prefix `WEBHOOKS_`)."""

from __future__ import annotations

import hashlib
import ipaddress

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings

# the development placeholder for the key that encrypts signing secrets at rest; refused outside development
DEV_SECRET_KEY = "dev-only-webhooks-secret-key-change-me"
# about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 24 h after each failure; then the delivery has failed
DEFAULT_RETRY_SCHEDULE = "5,300,1800,7200,18000,36000,86400"
DEFAULT_FEEDS = (
    "participants=http://127.0.0.1:8001,mentoring=http://127.0.0.1:8002,documents=http://127.0.0.1:8003,"
    "monitoring=http://127.0.0.1:8005"
)


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WEBHOOKS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8004
    # connections kept open: each endpoint being sent to uses one between its batches, and a connection opened
    # beyond the pool is closed after each use (a new PostgreSQL backend per batch)
    db_pool_size: int = 20
    # the feeds to deliver, `name=service URL` comma separated: each is read at {URL}/api/v1/events/{name}
    feeds: str = DEFAULT_FEEDS
    # read the feeds in this process, and send deliveries from it (turn off for API-only replicas)
    consume_feeds: bool = True
    deliver: bool = True
    # seconds between polls of a feed when it has nothing new; events per poll
    feed_interval: float = 0.5
    feed_batch: int = 100
    # 32+ characters: the AES-256-GCM key that signing secrets are stored under is derived from it
    secret_key: str = DEV_SECRET_KEY
    # networks a destination may resolve into although private or loopback (comma separated CIDRs)
    allowed_networks: str = ""
    # seconds one delivery attempt may take, connecting and reading the answer included
    delivery_timeout: float = 10.0
    # seconds before each retry; +- `retry_jitter` of it at random
    retry_schedule: str = DEFAULT_RETRY_SCHEDULE
    retry_jitter: float = 0.2
    # longest wait a receiver's Retry-After may ask for
    max_retry_after: float = 86400.0
    # an endpoint that has failed without a success for this many seconds is disabled (3 days)
    disable_after: float = 259200.0
    # seconds the old secret keeps signing after a rotation, unless the rotation names its own overlap
    rotation_overlap: float = 86400.0
    # seconds a replica holds an endpoint without renewing (then another replica takes it over)
    lease_seconds: float = 30.0
    # seconds between looks for endpoints with deliveries due
    dispatch_interval: float = 0.2
    # endpoints one replica delivers to at once; deliveries in flight per unordered endpoint
    max_endpoints: int = 100
    unordered_concurrency: int = 10
    # seconds the event types read from the feeds' services are kept (a subscription's patterns are checked on them)
    event_types_refresh: float = 60.0

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.environment != "development" and self.secret_key == DEV_SECRET_KEY:
            raise ValueError("WEBHOOKS_SECRET_KEY must be set outside development.")
        self.key()
        self.networks()
        self.schedule()
        self.feed_urls()
        return self

    def key(self) -> bytes:
        """The 32-byte encryption key, derived from the setting (changing the setting makes secrets unreadable)."""
        if len(self.secret_key) < 32:
            raise ValueError("WEBHOOKS_SECRET_KEY must be at least 32 characters (openssl rand -base64 32).")
        return hashlib.sha256(b"smartcity-webhooks-secrets\x00" + self.secret_key.encode()).digest()

    def networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        try:
            return [ipaddress.ip_network(n.strip()) for n in self.allowed_networks.split(",") if n.strip()]
        except ValueError as exc:
            raise ValueError(f"WEBHOOKS_ALLOWED_NETWORKS: {exc}.") from None

    def schedule(self) -> list[float]:
        try:
            steps = [float(s) for s in self.retry_schedule.split(",") if s.strip()]
        except ValueError:
            steps = []
        if not steps or any(s < 0 for s in steps):
            raise ValueError("WEBHOOKS_RETRY_SCHEDULE must be seconds, comma separated, none negative.")
        return steps

    def feed_urls(self) -> dict[str, str]:
        urls = {}
        for item in filter(None, (part.strip() for part in self.feeds.split(","))):
            name, _, url = item.partition("=")
            if not name.strip() or not url.strip().startswith(("http://", "https://")):
                raise ValueError(f"WEBHOOKS_FEEDS: '{item}' is not name=http(s)://host:port.")
            urls[name.strip()] = url.strip().rstrip("/")
        return urls

    @property
    def development(self) -> bool:
        return self.environment == "development"
