"""Indonesia's three time zones and which province lies in which (BRIEF.md)."""

from __future__ import annotations

from enum import StrEnum


class TimeZone(StrEnum):
    WIB = "Asia/Jakarta"
    WITA = "Asia/Makassar"
    WIT = "Asia/Jayapura"


_RANGES = [
    (11, 21, TimeZone.WIB),  # Sumatra
    (31, 36, TimeZone.WIB),  # Java
    (51, 53, TimeZone.WITA),  # Bali and Nusa Tenggara
    (61, 62, TimeZone.WIB),  # West and Central Kalimantan
    (63, 65, TimeZone.WITA),  # South, East and North Kalimantan
    (71, 76, TimeZone.WITA),  # Sulawesi
    (81, 82, TimeZone.WIT),  # Maluku
    (91, 96, TimeZone.WIT),  # the Papua provinces
]


def time_zone_of_province(province_code: str) -> TimeZone | None:
    """The zone of a province (`32`), or None for a code that names no province."""
    if len(province_code) != 2 or not province_code.isdigit():
        return None
    number = int(province_code)
    return next((zone for low, high, zone in _RANGES if low <= number <= high), None)


def time_zone_of_region(region_code: str) -> TimeZone:
    """The zone of a kabupaten/kota (`32.73`) from its province part; Jakarta's when that names no province."""
    return time_zone_of_province(region_code[:2]) or TimeZone.WIB
