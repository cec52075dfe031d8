"""The gateway's own schema: API keys and their audit trail."""

from smartcity_kit.audit.tables import audit_tables
from smartcity_kit.db import make_metadata
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "gateway"
metadata = make_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


audit_entries, audit_seals = audit_tables(metadata)
