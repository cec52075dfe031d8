"""Sample data for the end-to-end tests and the benchmarks.

Real files (a PDF, a DOCX) that the documents service accepts by their bytes,
a synthetic region list for clones without ../shared, and a master plan the
contract accepts.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from typing import Any

PROVINCES = {
    "32": "Jawa Barat",
    "33": "Jawa Tengah",
    "35": "Jawa Timur",
    "51": "Bali",
    "73": "Sulawesi Selatan",
    "94": "Papua",
}


def synthetic_regions_csv(provinces: Mapping[str, str] = PROVINCES, kabupaten: int = 6, kota: int = 6) -> bytes:
    """Where ../shared is absent: each province with `kabupaten` kabupaten (codes .01 up) and `kota` kota
    (codes .71 up), as the official codes go."""
    lines = ["code,name,level,kind,province_code,province_name"]
    for code, name in provinces.items():
        lines.append(f"{code},{name},province,provinsi,,")
        for n in range(1, kabupaten + 1):
            lines.append(f"{code}.{n:02d},Kabupaten Uji {code}-{n},regency_city,kabupaten,{code},{name}")
        for n in range(1, kota + 1):
            lines.append(f"{code}.{70 + n},Kota Uji {code}-{n},regency_city,kota,{code},{name}")
    return ("\n".join(lines) + "\n").encode()


def pdf_bytes(title: str) -> bytes:
    """A small but well-formed PDF."""
    body = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.7\n")
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def docx_bytes(text: str) -> bytes:
    """A minimal Word document (OOXML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        z.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body>'
            "</w:document>",
        )
    return buffer.getvalue()


def master_plan(start: int) -> dict[str, Any]:
    initiatives = []
    elements = {
        "governance": "service",
        "branding": "tourism",
        "economy": "transaction",
        "living": "mobility",
        "society": "learning",
        "environment": "waste",
    }
    for i, (dimension, element) in enumerate(elements.items()):
        quick = i < 3
        initiatives.append(
            {
                "dimension": dimension,
                "element": element,
                "title": f"Inisiatif {dimension}",
                "benefit": "Warga mendapat layanan lebih cepat",
                "beneficiaries": "Seluruh warga kota",
                "kpi": "Waktu layanan turun 50%",
                "technology": "Aplikasi layanan terpadu",
                "start_year": start,
                "end_year": start + (1 if quick else 4),
                "quick_win": quick,
                "lead_agency": "Dinas Komunikasi dan Informatika",
            }
        )
    return {
        "vision": "Kota cerdas yang melayani warganya",
        "horizon_start_year": start,
        "horizon_end_year": start + 9,
        "initiatives": initiatives,
    }
