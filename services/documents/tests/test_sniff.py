"""The type judged from the bytes, fed in chunks of any size, including zips written as a stream."""

from __future__ import annotations

import io
import zipfile

import pytest
from documents.settings import Settings
from documents.uploads.names import content_disposition, safe_filename
from documents.uploads.sniff import DOCX, ODT, PPTX, XLSX, NotAccepted, Sniffer


class _Unseekable(io.RawIOBase):
    """A pipe-like sink: zipfile then writes sizes after each entry (data descriptors), as streaming writers do."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.data += b
        return len(b)


def streamed_zip(names: list[str]) -> bytes:
    sink = _Unseekable()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            with z.open(name, "w") as entry:
                entry.write(b"<x/>" * 5000)
    return bytes(sink.data)


def judge(data: bytes, step: int) -> str:
    sniffer = Sniffer()
    try:
        for i in range(0, len(data), step):
            sniffer.feed(data[i : i + step])
        return sniffer.finish()
    except NotAccepted:
        return "refused"


@pytest.mark.parametrize("step", [1, 7, 4096, 1 << 20])
@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["[Content_Types].xml", "_rels/.rels", "word/document.xml"], DOCX),
        # LibreOffice writes [Content_Types].xml last
        (["_rels/.rels", "word/styles.xml", "word/document.xml", "[Content_Types].xml"], DOCX),
        (["[Content_Types].xml", "xl/workbook.xml"], XLSX),
        (["[Content_Types].xml", "ppt/presentation.xml"], PPTX),
        (["a.txt", "b/c.txt"], "refused"),
    ],
)
def test_zip_containers_are_told_apart_by_their_entries(samples, names, expected, step):
    assert judge(streamed_zip(names), step) == expected


@pytest.mark.parametrize("step", [1, 5, 1 << 20])
def test_the_accepted_samples_and_the_refused(samples, step):
    for content_type, data in samples.items():
        assert judge(data, step) == content_type
    for data in (b"MZ\x90\x00" * 64, b"\x7fELF" + bytes(64), b"GIF89a....", b"ab", b"PK\x03\x04", b"%!PS-Adobe"):
        assert judge(data, step) == "refused"


def test_odt_needs_its_mimetype_entry(make_zip):
    odt = make_zip([("mimetype", ODT.encode()), ("content.xml", b"<x/>")], stored_first=True)
    assert judge(odt, 3) == ODT
    assert judge(make_zip([("content.xml", b"<x/>"), ("mimetype", ODT.encode())]), 3) == "refused"


def test_a_refusal_comes_with_the_first_bytes():
    sniffer = Sniffer()
    with pytest.raises(NotAccepted):
        sniffer.feed(b"MZ\x90\x00\x03\x00\x00\x00")


def test_long_names_keep_their_extension_within_255_bytes():
    name = safe_filename("é" * 300 + ".pdf", "pdf")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= 255
    assert safe_filename(None, "docx") == "document.docx"


def test_content_disposition_quotes_safely():
    assert content_disposition('a"b\\c.pdf') == "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%5Cc.pdf"
    assert (
        content_disposition("Résumé.pdf")
        == "attachment; filename=\"Resume.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf"
    )


def test_the_default_limit_is_100_mib_and_s3_needs_a_bucket():
    settings = Settings(database_url="postgresql://x/y")
    assert (settings.max_upload_bytes, settings.storage_backend, settings.port) == (100 * 1024 * 1024, "local", 8003)
    with pytest.raises(ValueError, match="DOCUMENTS_S3_BUCKET"):
        Settings(database_url="postgresql://x/y", storage_backend="s3")
