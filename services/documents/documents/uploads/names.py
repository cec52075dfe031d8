"""File names: reduced to a safe base name on the way in, and RFC 6266 `Content-Disposition` on the way out."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

MAX_NAME_BYTES = 255


FOREIGN_EXTENSION = re.compile(r"[A-Za-z][A-Za-z0-9]{0,7}")


def safe_filename(raw: str | None, extensions: tuple[str, ...]) -> str:
    """The base name only: no directories, no `..`, no control characters, at most 255 UTF-8 bytes, and an
    extension that is one of the sniffed type's (`extensions`, the usual one first).

    The name is what a browser or a desktop opens the file by: `poly.html` judged a PDF becomes `poly.pdf`,
    `evil.pdf\0.html` becomes `evil.pdf`, `Laporan v1.2` becomes `Laporan v1.2.pdf`. A name with nothing left
    becomes `document.<extension>`.
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    while ".." in name:
        name = name.replace("..", ".")
    name = name.strip().strip(".").strip()
    if not name:
        return f"document.{extensions[0]}"
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and ext.lower() in extensions):
        if dot and stem.strip() and FOREIGN_EXTENSION.fullmatch(ext):
            name = stem.strip()  # one foreign extension goes; what is left may already end right
        stem, dot, ext = name.rpartition(".")
        if not (dot and stem and ext.lower() in extensions):
            name = f"{name}.{extensions[0]}"
    if len(name.encode()) > MAX_NAME_BYTES:
        stem, _, ext = name.rpartition(".")
        suffix = f".{ext}"
        stem = stem.encode()[: MAX_NAME_BYTES - len(suffix.encode())].decode("utf-8", "ignore")
        name = stem + suffix
    return name


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266, RFC 8187)."""
    # accents fall away (é -> e); any other character outside printable ASCII becomes `_`
    decomposed = (c for c in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(c))
    ascii_name = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in decomposed) or "document"
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"
