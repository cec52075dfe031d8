"""Every table of the gateway, imported once so that Alembic and the app see them all."""

from .apikeys.models import ApiKey  # noqa: F401
from .apikeys.replay import ApiKeyRequest  # noqa: F401
from .database import audit_entries, audit_seals  # noqa: F401
