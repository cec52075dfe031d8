"""The programme's words that more than one service speaks, each set spelt once (BRIEF.md, CONTRACT.md).

A set one service owns lives in that service; a set here is one whose values
cross a service boundary (in an event, a document's kind, a report's rows):
the participant flow, a track's status and stage, a deliverable's status, a
period report's status, the document kinds, the six dimensions and their
elements, the three time zones. Each is a `StrEnum`: the
API schemas, the tables' CHECK constraints (`one_of`) and the transition
tables are derived from it, never spelt again. Words only: no rule, no I/O.
"""

from __future__ import annotations

from enum import StrEnum

from .deliverables import DeliverableStatus, ReviewDecision
from .documents import DocumentKind
from .masterplan import ELEMENTS, Dimension, Element
from .participants import ParticipantStatus
from .period_reports import ReportDecision, ReportStatus
from .regions import TimeZone, time_zone_of_province, time_zone_of_region
from .tracks import StageCode, TrackStatus

__all__ = [
    "ELEMENTS",
    "DeliverableStatus",
    "Dimension",
    "DocumentKind",
    "Element",
    "ParticipantStatus",
    "ReportDecision",
    "ReportStatus",
    "ReviewDecision",
    "StageCode",
    "TimeZone",
    "TrackStatus",
    "none_of",
    "one_of",
    "time_zone_of_province",
    "time_zone_of_region",
]


def one_of(column: str, values: type[StrEnum] | tuple[StrEnum, ...]) -> str:
    """A CHECK condition: `column` holds one of `values` (a whole enum, or some of its members)."""
    return f"{column} IN ({_listed(values)})"


def none_of(column: str, values: type[StrEnum] | tuple[StrEnum, ...]) -> str:
    """A condition (a partial index's): `column` holds none of `values`."""
    return f"{column} NOT IN ({_listed(values)})"


def _listed(values: type[StrEnum] | tuple[StrEnum, ...]) -> str:
    return ", ".join(repr(str(v)) for v in values)
