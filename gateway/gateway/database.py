"""The gateway's own schema: only API keys live here."""

from smartcity_kit.db import make_metadata
from sqlalchemy.orm import DeclarativeBase

SCHEMA = "gateway"
metadata = make_metadata(SCHEMA)


class Base(DeclarativeBase):
    metadata = metadata
