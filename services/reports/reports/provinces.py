"""The 38 provinces: code, name, and the tile each takes on the tile-grid map of Indonesia.

A tile's (column, row) is the province's rough place west to east and north
to south; neighbours on the ground are neighbours on the grid where the grid
allows. Codes and names are Kemendagri's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Province:
    code: str
    name: str
    short: str  # what fits on a tile
    column: int
    row: int


PROVINCES: tuple[Province, ...] = (
    Province("11", "Aceh", "Aceh", 0, 0),
    Province("12", "Sumatera Utara", "Sumut", 1, 1),
    Province("13", "Sumatera Barat", "Sumbar", 1, 2),
    Province("14", "Riau", "Riau", 2, 1),
    Province("15", "Jambi", "Jambi", 2, 2),
    Province("16", "Sumatera Selatan", "Sumsel", 3, 3),
    Province("17", "Bengkulu", "Bengkulu", 2, 3),
    Province("18", "Lampung", "Lampung", 3, 4),
    Province("19", "Kepulauan Bangka Belitung", "Babel", 4, 3),
    Province("21", "Kepulauan Riau", "Kepri", 3, 1),
    Province("31", "Daerah Khusus Ibukota Jakarta", "Jakarta", 4, 5),
    Province("32", "Jawa Barat", "Jabar", 5, 5),
    Province("33", "Jawa Tengah", "Jateng", 6, 5),
    Province("34", "Daerah Istimewa Yogyakarta", "DIY", 6, 6),
    Province("35", "Jawa Timur", "Jatim", 7, 5),
    Province("36", "Banten", "Banten", 3, 5),
    Province("51", "Bali", "Bali", 8, 5),
    Province("52", "Nusa Tenggara Barat", "NTB", 9, 5),
    Province("53", "Nusa Tenggara Timur", "NTT", 10, 5),
    Province("61", "Kalimantan Barat", "Kalbar", 5, 2),
    Province("62", "Kalimantan Tengah", "Kalteng", 6, 3),
    Province("63", "Kalimantan Selatan", "Kalsel", 7, 3),
    Province("64", "Kalimantan Timur", "Kaltim", 7, 2),
    Province("65", "Kalimantan Utara", "Kaltara", 7, 1),
    Province("71", "Sulawesi Utara", "Sulut", 10, 1),
    Province("72", "Sulawesi Tengah", "Sulteng", 9, 2),
    Province("73", "Sulawesi Selatan", "Sulsel", 9, 3),
    Province("74", "Sulawesi Tenggara", "Sultra", 10, 3),
    Province("75", "Gorontalo", "Gorontalo", 9, 1),
    Province("76", "Sulawesi Barat", "Sulbar", 8, 2),
    Province("81", "Maluku", "Maluku", 12, 3),
    Province("82", "Maluku Utara", "Malut", 11, 1),
    Province("91", "Papua", "Papua", 15, 2),
    Province("92", "Papua Barat", "Pabar", 13, 2),
    Province("93", "Papua Selatan", "Pasel", 15, 4),
    Province("94", "Papua Tengah", "Pateng", 14, 3),
    Province("95", "Papua Pegunungan", "Papeg", 15, 3),
    Province("96", "Papua Barat Daya", "PBD", 12, 2),
)
BY_CODE: dict[str, Province] = {p.code: p for p in PROVINCES}
COLUMNS = max(p.column for p in PROVINCES) + 1
ROWS = max(p.row for p in PROVINCES) + 1


def province_of(region_code: str) -> str:
    """`32.73` -> `32`."""
    return region_code.split(".", 1)[0]
