from gateway.database import SCHEMA, metadata
from smartcity_kit.migrations import run_env

from gateway import models  # noqa: F401  (registers every table on the metadata)

run_env(metadata, SCHEMA)
