"""Configuration of the reports service (env prefix `REPORTS_`)."""

from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8006
    # the services whose events feeds the projections are kept from; an empty URL reads no feed from it
    participants_url: str = "http://127.0.0.1:8001"
    mentoring_url: str = "http://127.0.0.1:8002"
    documents_url: str = "http://127.0.0.1:8003"
    monitoring_url: str = "http://127.0.0.1:8005"
    # read the feeds in this process (turn off to run API-only replicas)
    consume_feed: bool = True
    # seconds between polls of a feed when it has nothing new
    feed_interval: float = 0.5
    # events per feed request and per projection transaction (the feeds serve at most 500)
    feed_batch: int = 500
