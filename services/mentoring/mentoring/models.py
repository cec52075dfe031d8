"""Every table of the service, imported once so that Alembic and the app see them all."""

from .curriculum.models import Stage  # noqa: F401
from .database import audit_entries, audit_seals, consumer_cursors, events, idempotency_keys  # noqa: F401
from .deliverables.models import Deliverable  # noqa: F401
from .masterplan.models import MasterPlan  # noqa: F401
from .mentors.models import Mentor  # noqa: F401
from .tracks.models import Track, TrackMentor  # noqa: F401
from .workshops.models import Workshop, WorkshopMentor, WorkshopTrack  # noqa: F401
