"""Every event type the mentoring service records: its part of the platform's event catalogue."""

from smartcity_kit.catalogue import Catalogue

from .deliverables.events import DeliverableReviewed, DeliverableSubmitted
from .masterplan.events import MasterPlanApproved, MasterPlanSaved
from .mentors.events import MentorCreated
from .tracks.events import (
    TrackCompleted,
    TrackMentorAssigned,
    TrackMentorRemoved,
    TrackOpened,
    TrackStageAdvanced,
    TrackWithdrawn,
)
from .workshops.events import SessionAttendanceRecorded, SessionScheduled

CATALOGUE = Catalogue(
    [
        MentorCreated,
        TrackOpened,
        TrackMentorAssigned,
        TrackMentorRemoved,
        TrackStageAdvanced,
        TrackCompleted,
        TrackWithdrawn,
        SessionScheduled,
        SessionAttendanceRecorded,
        DeliverableSubmitted,
        DeliverableReviewed,
        MasterPlanSaved,
        MasterPlanApproved,
    ]
)
