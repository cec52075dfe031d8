from reports import models  # noqa: F401  (registers every table on the metadata)
from reports.database import SCHEMA, metadata
from smartcity_kit.migrations import run_env

run_env(metadata, SCHEMA)
