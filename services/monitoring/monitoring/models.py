"""Every table of the service, imported once so that Alembic and the app see them all."""

from .database import audit_entries, audit_seals, consumer_cursors, events, idempotency_keys  # noqa: F401
from .indicators.models import CatalogueIndicator, TrackedIndicator  # noqa: F401
from .official.models import OfficialValue  # noqa: F401
from .periods.models import Period  # noqa: F401
from .portfolio.models import Initiative, Portfolio, RegionMentor  # noqa: F401
from .reminders.models import Reminder  # noqa: F401
from .reports.models import Report, ReportChange, ReportInitiative, ReportValue  # noqa: F401
from .results.models import RegionResult  # noqa: F401
