"""Indonesia's three time zones, by province code (see BRIEF.md)."""

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
ABBREVIATIONS = {WIB: "WIB", WITA: "WITA", WIT: "WIT"}

_RANGES = [
    (11, 21, WIB),  # Sumatra
    (31, 36, WIB),  # Java
    (51, 53, WITA),  # Bali and Nusa Tenggara
    (61, 62, WIB),  # West and Central Kalimantan
    (63, 65, WITA),  # South, East and North Kalimantan
    (71, 76, WITA),  # Sulawesi
    (81, 82, WIT),  # Maluku
    (91, 96, WIT),  # the Papua provinces
]


def time_zone_of(province_code: str) -> str | None:
    """The IANA zone of a province, or None for a code that names no province."""
    if len(province_code) != 2 or not province_code.isdigit():
        return None
    number = int(province_code)
    return next((zone for low, high, zone in _RANGES if low <= number <= high), None)
