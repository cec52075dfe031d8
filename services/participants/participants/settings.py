"""Configuration of the participants service (env prefix `PARTICIPANTS_`)."""

from typing import Any

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings


def weight(default: float) -> Any:
    return Field(default, ge=0, le=1000)


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PARTICIPANTS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8001
    # the largest regions CSV accepted by the importer
    import_max_bytes: int = 5 * 1024 * 1024
    # where the mentoring service listens; its events feed moves participants to mentoring and completed.
    # Empty: no consumer runs (tests, API-only replicas).
    mentoring_url: str = ""
    # where the monitoring service listens; its feed brings the official indices ministries publish
    # (an assessment that leaves one out takes the latest). Empty: no consumer.
    monitoring_url: str = ""
    consume_feed: bool = True
    feed_interval: float = 0.5
    feed_batch: int = 100
    # readiness_score weights (see the README): the four official indicators, then the three interview scores
    weight_fiscal_capacity: float = weight(15)
    weight_green_city_index: float = weight(15)
    weight_government_performance_index: float = weight(15)
    weight_sustainable_city_index: float = weight(15)
    weight_infrastructure: float = weight(15)
    weight_superstructure: float = weight(10)
    weight_leadership_vision: float = weight(15)

    @model_validator(mode="after")
    def _weights_count(self) -> "Settings":
        if sum(self.readiness_weights().values()) - self.weight_sustainable_city_index <= 0:
            raise ValueError("The readiness weights other than sustainable_city_index must not all be 0.")
        return self

    def readiness_weights(self) -> dict[str, float]:
        prefix = "weight_"
        return {name[len(prefix) :]: getattr(self, name) for name in type(self).model_fields if name.startswith(prefix)}
