"""Every table of the service, imported once so that Alembic and the app see them all."""

from .applications.models import Participant, StatusChange  # noqa: F401
from .database import audit_entries, audit_seals, consumer_cursors, events, idempotency_keys  # noqa: F401
from .mou.models import MouSignature, MouSigning  # noqa: F401
from .official.models import PublishedIndex  # noqa: F401
from .phases.models import Phase  # noqa: F401
from .regions.models import Region  # noqa: F401
