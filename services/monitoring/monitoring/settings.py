"""Configuration of the monitoring service (env prefix `MONITORING_`)."""

from pydantic_settings import SettingsConfigDict
from smartcity_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="MONITORING_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8005
    # where the mentoring service listens: its feed brings approved master plans (and mentor assignments)
    mentoring_url: str = "http://127.0.0.1:8002"
    # where the documents service listens: evidence documents are checked against it
    documents_url: str = "http://127.0.0.1:8003"
    # seconds to wait for the documents service before answering 503
    documents_timeout: float = 5.0
    # read the mentoring feed in this process (turn off to run API-only replicas)
    consume_feed: bool = True
    # seconds between polls of the mentoring feed when it has nothing new
    feed_interval: float = 0.5
    feed_batch: int = 100
    # run the reminder job (report.due_soon / report.overdue, periods locked on locks_on) in this process
    run_reminders: bool = True
    # seconds between two runs of the reminder job
    reminder_interval: float = 300.0
    # the largest spreadsheet accepted as an upload, and the most its parts may unpack to (zip bombs)
    upload_max_bytes: int = 5 * 1024 * 1024
    upload_max_unpacked_bytes: int = 50 * 1024 * 1024
