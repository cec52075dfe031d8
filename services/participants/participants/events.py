"""Every event type the participants service records: its part of the platform's event catalogue."""

from smartcity_kit.catalogue import Catalogue

from .applications.events import ParticipantApplied, ParticipantStatusChanged
from .assessment.events import ParticipantAssessed
from .mou.events import MouSigned
from .phases.events import PhaseCreated
from .regions.events import RegionStatisticsUpdated

CATALOGUE = Catalogue(
    [
        PhaseCreated,
        ParticipantApplied,
        ParticipantAssessed,
        ParticipantStatusChanged,
        MouSigned,
        RegionStatisticsUpdated,
    ]
)
