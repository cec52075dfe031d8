"""Every table of the service, imported once so that Alembic and the app see them all."""

from .database import consumer_cursors, events, idempotency_keys  # noqa: F401
from .regions.models import Region  # noqa: F401
