"""What makes a spreadsheet safe to read and to open.

Reading: an XLSX is a zip; its parts may unpack to far more than it weighs (a
zip bomb). The declared sizes in the zip's directory bound what Python's
zipfile will ever unpack (it stops at the declared size and checks the CRC),
so summing them before openpyxl opens anything bounds the work.

Writing: a text cell starting with `=`, `+`, `-`, `@` (or a tab or carriage
return) runs as a formula when an operator opens the file in a spreadsheet
program (CSV injection). Every such cell this service writes is prefixed with
an apostrophe, which spreadsheet programs show as text; every such cell a
region uploads is refused, so it never reaches an export.
"""

from __future__ import annotations

import io
import zipfile

from smartcity_kit.problems import PayloadTooLarge, Unprocessable
from smartcity_kit.problemtypes import FieldError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MAX_PARTS = 1000


def neutralise(value: object) -> object:
    """A value as it may be written to a cell: text that would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def runs_as_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def check_zip(data: bytes, max_unpacked: int) -> None:
    """422 unless `data` is a zip whose parts unpack to at most `max_unpacked` bytes in all (413 past it)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise Unprocessable(
            "The file is not an XLSX workbook.", errors=[FieldError("body", "not_xlsx", "Not a zip/XLSX file.")]
        ) from exc
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise Unprocessable(
                "The workbook has {count} parts; at most {max} are read.",
                errors=[FieldError("body", "too_many_parts", "Too many parts.")],
                count=len(parts),
                max=MAX_PARTS,
            )
        unpacked = sum(part.file_size for part in parts)
        if unpacked > max_unpacked:
            raise PayloadTooLarge(
                "The workbook unpacks to {size} bytes, more than the {max} allowed; nothing was stored.",
                size=unpacked,
                max=max_unpacked,
            )
