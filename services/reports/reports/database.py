"""The reports schema: its metadata, declarative base and the feed cursors."""

from smartcity_kit.db import make_metadata
from smartcity_kit.outbox import consumer_cursor_table
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "reports"
metadata = make_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata


consumer_cursors = consumer_cursor_table(metadata)
