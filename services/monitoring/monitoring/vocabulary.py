"""Monitoring's own words, each set spelt once as a StrEnum: units, directions, statuses, reminders, the official
indices and their owners. The API's enums and the tables' CHECKs (`smartcity_vocabulary.one_of`) are derived from
them; the words other services speak too (a report's status, dimensions and elements, time zones) are in
`smartcity_vocabulary`.
"""

from enum import StrEnum


class Direction(StrEnum):
    """Which way is better: an indicator whose value should rise or fall."""

    INCREASE = "increase"
    DECREASE = "decrease"


class Unit(StrEnum):
    """What an indicator is measured in; a `percent` lies within 0-100."""

    PERCENT = "percent"
    COUNT = "count"
    DAYS = "days"
    HOURS = "hours"
    MINUTES = "minutes"
    INDEX = "index"
    RATIO = "ratio"
    PER_100K = "per_100k"
    RUPIAH = "rupiah"
    TONNES = "tonnes"
    KWH = "kwh"
    M3 = "m3"


class InitiativeStatus(StrEnum):
    """What a region says about one of its initiatives in a period."""

    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    DONE = "done"
    CANCELLED = "cancelled"


class PeriodStatus(StrEnum):
    OPEN = "open"
    LOCKED = "locked"


class ReminderKind(StrEnum):
    """The reminders a region that has not submitted is sent as its due date nears and passes."""

    DUE_IN_7_DAYS = "due_in_7_days"
    DUE_IN_1_DAY = "due_in_1_day"
    OVERDUE = "overdue"


class OfficialIndex(StrEnum):
    """The four official indicators of the assessment (BRIEF.md)."""

    FISCAL_CAPACITY = "fiscal_capacity"
    GREEN_CITY_INDEX = "green_city_index"
    GOVERNMENT_PERFORMANCE_INDEX = "government_performance_index"
    SUSTAINABLE_CITY_INDEX = "sustainable_city_index"


# the ministry that publishes each official index (BRIEF.md)
OFFICIAL_INDICES: dict[OfficialIndex, str] = {
    OfficialIndex.FISCAL_CAPACITY: "kemenkeu",
    OfficialIndex.GREEN_CITY_INDEX: "pupr",
    OfficialIndex.GOVERNMENT_PERFORMANCE_INDEX: "kemendagri",
    OfficialIndex.SUSTAINABLE_CITY_INDEX: "bappenas",
}

REGION_CODE = r"^\d{2}\.\d{2}$"
# a reporting period: a year and a semester, a quarter or the whole year (`2027-S1`, `2027-Q3`, `2027-Y`)
PERIOD_CODE = r"^\d{4}-(S[12]|Q[1-4]|Y)$"
