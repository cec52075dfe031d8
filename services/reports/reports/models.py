"""Every table of the service, imported once so that Alembic and the app see them all."""

from .database import consumer_cursors  # noqa: F401
from .projections.models import Document, Participant, Phase, RegionStatistics, Track
from .projections.monitoring_models import MonitoringPeriod, PeriodReport, Portfolio
from .projections.work import Deliverable, Initiative, MasterPlan, Mentor, TrackMentor, WorkshopTrack

# the projections, emptied together by `reports-rebuild` (the cursors with them)
PROJECTIONS = (
    Phase,
    Participant,
    Track,
    Document,
    RegionStatistics,
    Mentor,
    TrackMentor,
    WorkshopTrack,
    Deliverable,
    MasterPlan,
    Initiative,
    MonitoringPeriod,
    Portfolio,
    PeriodReport,
)
