"""Fixed words of monitoring: dimensions, units, directions, statuses, the official indices and their owners.

One tuple per vocabulary; the API's Literals and the tables' CHECKs are derived from it.
"""

from typing import Literal, get_args

# the six dimensions of a smart city master plan, each with its three elements (BRIEF.md)
DIMENSIONS: dict[str, tuple[str, str, str]] = {
    "governance": ("service", "bureaucracy", "policy"),
    "branding": ("tourism", "business", "city_appearance"),
    "economy": ("industry", "welfare", "transaction"),
    "living": ("harmony", "health", "mobility"),
    "society": ("community", "learning", "security"),
    "environment": ("protection", "waste", "energy"),
}
Dimension = Literal["governance", "branding", "economy", "living", "society", "environment"]

# which way is better: an indicator whose value should rise or fall
Direction = Literal["increase", "decrease"]
DIRECTIONS: tuple[str, ...] = get_args(Direction)

# units an indicator is measured in; a `percent` lies within 0-100
Unit = Literal[
    "percent", "count", "days", "hours", "minutes", "index", "ratio", "per_100k", "rupiah", "tonnes", "kwh", "m3"
]
UNITS: tuple[str, ...] = get_args(Unit)

# what a region says about one of its initiatives in a period
InitiativeStatus = Literal["not_started", "on_track", "delayed", "done", "cancelled"]
INITIATIVE_STATUSES: tuple[str, ...] = get_args(InitiativeStatus)

# a region's report for a period: draft -> submitted -> accepted | returned (-> submitted again)
ReportStatus = Literal["draft", "submitted", "accepted", "returned"]
REPORT_STATUSES: tuple[str, ...] = get_args(ReportStatus)
Decision = Literal["accepted", "returned"]

PeriodStatus = Literal["open", "locked"]
PERIOD_STATUSES: tuple[str, ...] = get_args(PeriodStatus)

# the four official indicators of the assessment and the ministry that publishes each (BRIEF.md)
OFFICIAL_INDICES: dict[str, str] = {
    "fiscal_capacity": "kemenkeu",
    "green_city_index": "pupr",
    "government_performance_index": "kemendagri",
    "sustainable_city_index": "bappenas",
}
OfficialIndex = Literal["fiscal_capacity", "green_city_index", "government_performance_index", "sustainable_city_index"]

REGION_CODE = r"^\d{2}\.\d{2}$"
# a reporting period: a year and a semester, a quarter or the whole year (`2027-S1`, `2027-Q3`, `2027-Y`)
PERIOD_CODE = r"^\d{4}-(S[12]|Q[1-4]|Y)$"


def in_list(column: str, values: tuple[str, ...]) -> str:
    """A CHECK condition: `column` is one of `values`."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# Indonesia's three time zones by province code (BRIEF.md): a due date is a date in the region's own zone
_ZONES = [
    (11, 21, "Asia/Jakarta"),
    (31, 36, "Asia/Jakarta"),
    (51, 53, "Asia/Makassar"),
    (61, 62, "Asia/Jakarta"),
    (63, 65, "Asia/Makassar"),
    (71, 76, "Asia/Makassar"),
    (81, 82, "Asia/Jayapura"),
    (91, 96, "Asia/Jayapura"),
]


def time_zone_of_region(region_code: str) -> str:
    """The IANA zone of a kabupaten/kota from its province part; Jakarta's when the code is unknown."""
    head = region_code[:2]
    if head.isdigit():
        number = int(head)
        for low, high, zone in _ZONES:
            if low <= number <= high:
                return zone
    return "Asia/Jakarta"
