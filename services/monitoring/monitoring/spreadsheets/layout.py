"""The template's layout: sheets and columns, shared by the writer and the reader so that they cannot drift."""

from __future__ import annotations

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INDICATORS = "Indicators"
INITIATIVES = "Initiatives"
CSV_SHEET = "CSV"

# (header, what the region fills in); the reader finds columns by header, so their order may change
INDICATOR_COLUMNS = [
    ("tracked_indicator_id", False),
    ("initiative", False),
    ("indicator", False),
    ("unit", False),
    ("direction", False),
    ("baseline", False),
    ("target", False),
    ("value", True),
    ("comment", True),
    ("evidence_document_ids", True),
]
INITIATIVE_COLUMNS = [
    ("initiative_id", False),
    ("title", False),
    ("dimension", False),
    ("status", True),
    ("progress", True),
    ("note", True),
]
# one CSV holds both: a row is an indicator's value or an initiative's status
CSV_COLUMNS = ["kind", "id", "value", "comment", "evidence_document_ids", "status", "progress"]
MAX_ROWS = 5000
