"""Configuration of the mentoring service (env prefix `MENTORING_`)."""

from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MENTORING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8002
    # where the participants service listens: its events feed opens and closes tracks
    participants_url: str = "http://127.0.0.1:8001"
    # where the documents service listens: deliverables are checked against it
    documents_url: str = "http://127.0.0.1:8003"
    # seconds to wait for the documents service before answering 503
    documents_timeout: float = 5.0
    # read the participants feed in this process (turn off to run API-only replicas)
    consume_feed: bool = True
    # seconds between polls of the participants feed when it has nothing new
    feed_interval: float = 0.5
    feed_batch: int = 100
