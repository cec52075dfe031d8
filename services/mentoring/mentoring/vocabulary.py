"""Fixed words of the programme: the six master-plan dimensions and the document kinds (CONTRACT.md)."""

from typing import Literal

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

# document kinds of the documents service; a deliverable is one of these
DOCUMENT_KINDS = (
    "mou",
    "readiness_report",
    "strategic_analysis",
    "quick_win_list",
    "masterplan_draft",
    "masterplan_final",
    "commitment_sheet",
    "minutes",
    "other",
)
DocumentKind = Literal[
    "mou",
    "readiness_report",
    "strategic_analysis",
    "quick_win_list",
    "masterplan_draft",
    "masterplan_final",
    "commitment_sheet",
    "minutes",
    "other",
]

# Indonesia's three time zones by province code (BRIEF.md), used when an event does not name the zone
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
TIME_ZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")


def time_zone_of_region(region_code: str) -> str:
    """The IANA zone of a kabupaten/kota from its province part; Jakarta's when the code is unknown."""
    head = region_code[:2]
    if head.isdigit():
        number = int(head)
        for low, high, zone in _ZONES:
            if low <= number <= high:
                return zone
    return "Asia/Jakarta"
