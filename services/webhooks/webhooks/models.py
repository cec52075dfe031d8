"""Every table of the service, imported once so that Alembic and the app see them all."""

from .database import audit_entries, audit_seals, consumer_cursors, idempotency_keys  # noqa: F401
from .deliveries.models import Attempt, Delivery  # noqa: F401
from .endpoints.models import Endpoint, EndpointSecret  # noqa: F401
