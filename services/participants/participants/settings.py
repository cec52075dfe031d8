"""Configuration of the participants service (env prefix `PARTICIPANTS_`)."""

from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PARTICIPANTS_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8001
    # the largest regions CSV accepted by the importer
    import_max_bytes: int = 5 * 1024 * 1024
