"""The type of an upload judged from its bytes, never from the declared header.

PDF, PNG and JPEG are known by their first bytes. DOCX, XLSX, PPTX and ODT
are all zip files: they are told apart by walking the zip's entries as the
bytes stream past (the ODF `mimetype` entry comes first and says what it is;
an Office file has its main part, such as `word/document.xml`). Anything
else is refused.
"""

from __future__ import annotations

import struct
import zlib

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"

ACCEPTED = (PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG)
EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PPTX: "pptx", ODT: "odt", PNG: "png", JPEG: "jpg"}

MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
ZIP = b"PK\x03\x04"
OFFICE_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
OFFICE_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}

LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
NEXT_SIGNATURES = (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06")
MAX_ENTRIES = 10_000
MAX_INFLATED = 64 * 1024 * 1024  # work spent walking deflated entries of unknown size


class NotAccepted(Exception):
    """The bytes are none of the accepted types."""


class Sniffer:
    """Feed every chunk of an upload; `content_type` is set once the type is known."""

    def __init__(self) -> None:
        self.content_type: str | None = None
        self._start = b""
        self._zip: _ZipWalker | None = None

    def feed(self, data: bytes | memoryview) -> None:
        """Raises NotAccepted as soon as the bytes cannot be an accepted type."""
        if self.content_type is not None or not data:
            return
        if self._zip is not None:
            self.content_type = self._zip.feed(data)
            return
        self._start += data
        if len(self._start) >= 8:
            start, self._start = self._start, b""
            self._judge(start)

    def _judge(self, start: bytes) -> None:
        for magic, content_type in MAGIC:
            if start.startswith(magic):
                self.content_type = content_type
                return
        if not start.startswith(ZIP):
            raise NotAccepted()
        self._zip = _ZipWalker()
        self.content_type = self._zip.feed(start)

    def finish(self) -> str:
        """The type once every byte was fed; NotAccepted when it is none of the accepted ones."""
        if self.content_type is None and self._zip is None and self._start:
            self._judge(self._start)  # a file of fewer than 8 bytes
        if self.content_type is None:
            raise NotAccepted()
        return self.content_type


class _ZipWalker:
    """Walks a zip's local entries as bytes arrive, until the entry names or the mimetype say what it is."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.state = "header"
        self.skip = 0
        self.entries = 0
        self.inflated = 0
        self.inflater: zlib._Decompress | None = None
        self.capture: int = 0  # bytes of the ODF `mimetype` entry still to read
        self.folders: set[str] = set()
        self.has_content_types = False

    def feed(self, data: bytes | memoryview) -> str | None:
        self.buffer += data
        while True:
            if self.state == "skip":
                taken = min(self.skip, len(self.buffer))
                del self.buffer[:taken]
                self.skip -= taken
                if self.skip:
                    return None
                self.state = "header"
            elif self.state == "inflate":
                if not self._inflate():
                    return None
            elif self.state == "descriptor":
                if not self._descriptor():
                    return None
            elif self.state == "mimetype":
                if len(self.buffer) < self.capture:
                    return None
                if bytes(self.buffer[: self.capture]) == ODT.encode():
                    return ODT
                raise NotAccepted()  # another OpenDocument type, or not one at all
            elif self.state == "stuck":
                self.buffer.clear()  # an entry whose end cannot be found without its central directory
                return None
            else:
                found = self._header()
                if found or self.state == "header":
                    return found

    def _header(self) -> str | None:
        if len(self.buffer) < 4:
            return None
        signature = bytes(self.buffer[:4])
        if signature != ZIP:
            raise NotAccepted()  # past the last entry (or not a zip): no decision was reached
        if len(self.buffer) < LOCAL_HEADER.size:
            return None
        (_, _, flags, method, _, _, _, compressed, _, name_length, extra_length) = LOCAL_HEADER.unpack_from(self.buffer)
        end = LOCAL_HEADER.size + name_length + extra_length
        if len(self.buffer) < end:
            return None
        name = bytes(self.buffer[LOCAL_HEADER.size : LOCAL_HEADER.size + name_length]).decode("utf-8", "replace")
        del self.buffer[:end]
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise NotAccepted()
        if self.entries == 1 and name == "mimetype" and method == 0 and not flags & 8 and compressed < 100:
            self.state, self.capture = "mimetype", compressed
            return None
        if name == "[Content_Types].xml":
            self.has_content_types = True
        if name in OFFICE_MAIN_PARTS:
            return OFFICE_MAIN_PARTS[name]
        for folder, content_type in OFFICE_FOLDERS.items():
            if name.startswith(folder):
                self.folders.add(content_type)
        if self.has_content_types and len(self.folders) == 1:
            return next(iter(self.folders))
        if not flags & 8 and compressed != 0xFFFFFFFF:
            self.state, self.skip = "skip", compressed
        elif method == 8:
            self.state, self.inflater = "inflate", zlib.decompressobj(-15)
        else:
            self.state = "stuck"
        return None

    def _inflate(self) -> bool:
        """Run the deflate stream to its end to find where the entry stops; False when more bytes are needed."""
        assert self.inflater is not None
        data = bytes(self.buffer)
        self.buffer.clear()
        try:
            while data and not self.inflater.eof:
                self.inflated += len(self.inflater.decompress(data, 1 << 16))
                data = self.inflater.unconsumed_tail
                if self.inflated > MAX_INFLATED:
                    self.state = "stuck"
                    return True
        except zlib.error as exc:
            raise NotAccepted() from exc
        if not self.inflater.eof:
            return False
        self.buffer += self.inflater.unused_data
        self.inflater = None
        self.state = "descriptor"
        return True

    def _descriptor(self) -> bool:
        """Skip the data descriptor after a deflated entry (12-24 bytes, signature optional)."""
        if len(self.buffer) < 28:
            return False
        sizes = (16, 24) if self.buffer[:4] == b"PK\x07\x08" else (12, 20)
        for size in sizes:
            if bytes(self.buffer[size : size + 4]) in NEXT_SIGNATURES:
                del self.buffer[:size]
                self.state = "header"
                return True
        raise NotAccepted()
