from documents import models  # noqa: F401  (registers every table on the metadata)
from documents.database import SCHEMA, metadata
from smartcity_kit.migrations import run_env

run_env(metadata, SCHEMA)
