"""Small real PDFs for the uploads: one page of text and a scanned-looking image, to a given size.

Each file carries a fixed-length marker in its /Title; `unique()` swaps it for a
fresh id (same length, so the cross-reference offsets stay right), which gives
every upload its own bytes and sha256, as real uploads have.
"""

from __future__ import annotations

import os
import uuid

MARKER = b"0" * 32
WIDTH = 1024  # pixels per image row; one byte per pixel (DeviceGray)


def make_pdf(size: int, title: str = "Laporan kesiapan smart city") -> bytes:
    """A valid one-page PDF of `size` bytes give or take a few (at least a few KiB)."""
    bare = len(_pdf(title, rows=0))
    return _pdf(title, rows=max(1, (size - bare) // WIDTH))


def _pdf(title: str, rows: int) -> bytes:
    text = f"BT /F1 14 Tf 56 780 Td ({title}) Tj ET\nq 480 360 0 0 56 380 cm /Im1 Do Q\n".encode()
    pixels = os.urandom(WIDTH * rows)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray"
        b" /BitsPerComponent 8 /Length %d >>\nstream\n" % (WIDTH, rows, len(pixels)) + pixels + b"\nendstream",
        b"<< /Title (" + MARKER + b") /Producer (smartcity bench) >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def unique(pdf: bytes) -> bytes:
    """The same PDF with its own id in the title: distinct bytes, same layout."""
    return pdf.replace(MARKER, uuid.uuid4().hex.encode(), 1)
