"""Every table of the service, imported once so that Alembic and the app see them all."""

from .database import audit_entries, audit_seals, events, idempotency_keys  # noqa: F401
from .library.models import Document, Version  # noqa: F401
