from monitoring import models  # noqa: F401  (registers every table on the metadata)
from monitoring.database import SCHEMA, metadata
from smartcity_kit.migrations import run_env

run_env(metadata, SCHEMA)
