from smartcity_kit.migrations import run_env
from webhooks import models  # noqa: F401  (registers every table on the metadata)
from webhooks.database import SCHEMA, metadata

run_env(metadata, SCHEMA)
