"""The webhooks schema: its metadata, declarative base and the convention tables."""

from smartcity_kit.audit.tables import audit_tables
from smartcity_kit.db import make_metadata
from smartcity_kit.idempotency import idempotency_table
from smartcity_kit.outbox import consumer_cursor_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "webhooks"
metadata = make_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


idempotency_keys = idempotency_table(metadata)
consumer_cursors = consumer_cursor_table(metadata)
audit_entries, audit_seals = audit_tables(metadata)
