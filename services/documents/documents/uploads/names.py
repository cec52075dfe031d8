"""File names: reduced to a safe base name on the way in, and RFC 6266 `Content-Disposition` on the way out."""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

MAX_NAME_BYTES = 255


def safe_filename(raw: str | None, extension: str) -> str:
    """The base name only: no directories, no `..`, no control characters, at most 255 UTF-8 bytes.

    A name with nothing left becomes `document.<extension>` (the extension of the sniffed type).
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip().strip(".").strip()
    if not name:
        return f"document.{extension}"
    if len(name.encode()) > MAX_NAME_BYTES:
        stem, dot, ext = name.rpartition(".")
        suffix = f".{ext}" if dot and len(ext.encode()) <= 16 else ""
        budget = MAX_NAME_BYTES - len(suffix.encode())
        stem = (stem if suffix else name).encode()[:budget].decode("utf-8", "ignore")
        name = stem + suffix
    return name


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266, RFC 8187)."""
    # accents fall away (é -> e); any other character outside printable ASCII becomes `_`
    decomposed = (c for c in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(c))
    ascii_name = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in decomposed) or "document"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
