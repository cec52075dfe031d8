"""The type judged from the bytes, fed in chunks of any size, including zips written as a stream."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from documents.settings import Settings
from documents.uploads.names import content_disposition, safe_filename
from documents.uploads.sniff import DOCX, ODT, PPTX, XLSX, NotAccepted, Sniffer, TooExpanded


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
    name = safe_filename("é" * 300 + ".pdf", ("pdf",))
    assert name.endswith(".pdf")
    assert len(name.encode()) <= 255
    assert safe_filename(None, ("docx",)) == "document.docx"
    long_foreign = safe_filename("é" * 300 + ".html", ("pdf",))
    assert long_foreign.endswith("é.pdf") and len(long_foreign.encode()) <= 255


@pytest.mark.parametrize(
    ("raw", "extensions", "stored"),
    [
        ("photo.jpeg", ("jpg", "jpeg"), "photo.jpeg"),
        ("photo.png", ("jpg", "jpeg"), "photo.jpg"),
        ("rekap.xlsx.docx", ("xlsx",), "rekap.xlsx"),
        ("plan.", ("odt",), "plan.odt"),
        (".htaccess", ("pdf",), "htaccess.pdf"),
    ],
)
def test_the_extension_is_the_sniffed_types(raw, extensions, stored):
    assert safe_filename(raw, extensions) == stored


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


def zero_bomb(size: int, *, streamed: bool, name: str = "word/document.xml") -> bytes:
    """A DOCX whose main part is `size` zeros: tiny deflated, huge unpacked. `streamed` puts the sizes after the
    data (flag 8), as a writer that cannot seek back does, so only inflating tells."""
    out: io.BytesIO | _Unseekable = _Unseekable() if streamed else io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        if name != "word/document.xml":
            z.writestr("word/document.xml", b"<w/>")
        with z.open(name, "w") as entry:
            chunk = bytes(1 << 20)
            for _ in range(size >> 20):
                entry.write(chunk)
    return bytes(out.data) if isinstance(out, _Unseekable) else out.getvalue()


def judged_or_error(data: bytes, step: int) -> str:
    sniffer = Sniffer()
    try:
        for i in range(0, len(data), step):
            sniffer.feed(data[i : i + step])
        return sniffer.finish()
    except TooExpanded as exc:
        return str(exc)


@pytest.mark.parametrize("streamed", [False, True])
def test_a_zip_bomb_is_refused_whether_its_sizes_come_first_or_last(streamed):
    bomb = zero_bomb(64 << 20, streamed=streamed)
    assert len(bomb) < 300_000
    assert judged_or_error(bomb, 65536).startswith("An entry of the file expands ")


def test_a_bomb_hidden_after_the_part_that_names_the_type_is_still_found():
    bomb = zero_bomb(64 << 20, streamed=False, name="word/media/zeros.bin")
    assert judged_or_error(bomb, 65536).startswith("An entry of the file expands ")


def _entry(name: bytes, compressed: int, size: int) -> bytes:
    """A local header declaring sizes, and `compressed` bytes of data (never inflated: the sizes are declared)."""
    header = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, compressed, size, len(name), 0)
    return header + name + b"\x00" * compressed


def test_entries_that_together_expand_past_1_gib_are_refused():
    parts = _entry(b"[Content_Types].xml", 10, 20) + _entry(b"word/document.xml", 10, 20)
    parts += b"".join(_entry(b"word/media/image%d.png" % n, 1 << 20, 60 << 20) for n in range(18))  # 60 times each
    assert (
        judged_or_error(parts + b"PK\x01\x02", 65536) == "The file expands to more than 1073741824 bytes when unpacked."
    )
    fewer = _entry(b"[Content_Types].xml", 10, 20) + _entry(b"word/document.xml", 10, 20)
    fewer += b"".join(_entry(b"word/media/image%d.png" % n, 1 << 20, 60 << 20) for n in range(17))
    assert judged_or_error(fewer + b"PK\x01\x02", 65536) == DOCX


def test_an_ordinary_docx_with_well_packed_xml_passes(make_zip):
    # 2.5 MB of paragraphs that differ a little, as real ones do; Apache POI refuses past 100 times too
    text = b"".join(
        b"<w:p><w:r><w:t>Baris %d: kota %d</w:t></w:r></w:p>" % (n, n * 7919 % 10007) for n in range(60_000)
    )
    docx = make_zip([("[Content_Types].xml", b"<Types/>"), ("word/document.xml", text)])
    assert judged_or_error(docx, 65536) == DOCX
