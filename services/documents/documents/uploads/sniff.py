"""The type of an upload judged from its bytes, never from the declared header.

PDF, PNG and JPEG are known by their first bytes. DOCX, XLSX, PPTX and ODT
are all zip files: they are told apart by walking the zip's entries as the
bytes stream past (the ODF `mimetype` entry comes first and says what it is;
an Office file has its main part, such as `word/document.xml`). Anything
else is refused.

A zip is walked to its last entry even once its type is known, so that a
zip bomb is refused (`TooExpanded`): an entry that expands more than
`MAX_RATIO` times (past `RATIO_FLOOR`), or entries that together expand past
`MAX_EXPANDED`, judged on the sizes the local headers declare and, for an
entry whose sizes come after its data, on what inflating it actually gives.
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
# the file name extensions of each type, the usual one first (a stored name always ends in one of them)
EXTENSIONS = {
    PDF: ("pdf",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    PPTX: ("pptx",),
    ODT: ("odt",),
    PNG: ("png",),
    JPEG: ("jpg", "jpeg"),
}

MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))
ZIP = b"PK\x03\x04"
OFFICE_MAIN_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
OFFICE_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}

LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
NEXT_SIGNATURES = (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06")
MAX_ENTRIES = 10_000
MAX_INFLATED = 64 * 1024 * 1024  # work spent walking deflated entries of unknown size
MAX_RATIO = 100  # an Office file's XML deflates 5-20 times; 2 GiB of zeros, a thousand
RATIO_FLOOR = 1024 * 1024  # a small entry may deflate as well as it likes
MAX_EXPANDED = 1024 * 1024 * 1024
ZIP64_EXTRA = 0x0001
CENTRAL = (b"PK\x01\x02", b"PK\x05\x06", b"PK\x06\x06")


class NotAccepted(Exception):
    """The bytes are none of the accepted types."""


class TooExpanded(NotAccepted):
    """A zip whose entries expand past the bounds: a zip bomb, or near enough. `message` says which bound, its
    `{name}`s filled from `values` (a message id of the documents catalogue)."""

    def __init__(self, message: str, **values: int) -> None:
        super().__init__(message.format(**values))
        self.message = message
        self.values = values


class Sniffer:
    """Feed every chunk of an upload; `content_type` is set once the type is known."""

    def __init__(self) -> None:
        self.content_type: str | None = None
        self._start = b""
        self._zip: _ZipWalker | None = None

    def feed(self, data: bytes | memoryview) -> None:
        """Raises NotAccepted as soon as the bytes cannot be an accepted type."""
        if self._zip is not None:  # walked to the end, even once the type is known
            found = self._zip.feed(data)
            self.content_type = self.content_type or found
            return
        if self.content_type is not None or not data:
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
        if self._zip is not None:
            self._zip.finish()
        return self.content_type


class _ZipWalker:
    """Walks a zip's local entries as bytes arrive: what type it is, and what it would expand to."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.state = "header"
        self.skip = 0
        self.entries = 0
        self.inflated = 0
        self.inflater: zlib._Decompress | None = None
        self.entry_inflated = 0  # what the entry being inflated gave so far, from how many compressed bytes
        self.entry_consumed = 0
        self.expanded = 0  # all entries together, as declared or inflated
        self.capture: int = 0  # bytes of the ODF `mimetype` entry still to read
        self.folders: set[str] = set()
        self.has_content_types = False
        self.found: str | None = None

    def feed(self, data: bytes | memoryview) -> str | None:
        self.buffer += data
        while True:
            if self.state == "skip":
                taken = min(self.skip, len(self.buffer))
                del self.buffer[:taken]
                self.skip -= taken
                if self.skip:
                    return self.found
                self.state = "header"
            elif self.state == "inflate":
                if not self._inflate():
                    return self.found
            elif self.state == "descriptor":
                if not self._descriptor():
                    return self.found
            elif self.state == "mimetype":
                if len(self.buffer) < self.capture:
                    return self.found
                if bytes(self.buffer[: self.capture]) != ODT.encode():
                    raise NotAccepted()  # another OpenDocument type, or not one at all
                self.found = ODT
                self.state, self.skip = "skip", self.capture
            elif self.state in ("stuck", "done"):
                # stuck: an entry whose end cannot be found without its central directory; done: past the entries
                self.buffer.clear()
                return self.found
            else:
                self._header()
                if self.state == "header":
                    return self.found

    def finish(self) -> None:
        """Every byte was fed: an entry still being inflated counts with what it gave."""
        if self.state == "inflate":
            self._check_entry(self.entry_inflated, self.entry_consumed)

    def _header(self) -> None:
        """One local header, when all of it is there; leaves `state` at "header" when more bytes are needed."""
        if len(self.buffer) < 4:
            return
        signature = bytes(self.buffer[:4])
        if signature != ZIP:
            if signature in CENTRAL and self.found is not None:
                self.state = "done"  # the central directory: every entry was seen
                return
            raise NotAccepted()  # past the last entry (or not a zip): no decision was reached
        if len(self.buffer) < LOCAL_HEADER.size:
            return
        (_, _, flags, method, _, _, _, compressed, size, name_length, extra_length) = LOCAL_HEADER.unpack_from(
            self.buffer
        )
        end = LOCAL_HEADER.size + name_length + extra_length
        if len(self.buffer) < end:
            return
        name = bytes(self.buffer[LOCAL_HEADER.size : LOCAL_HEADER.size + name_length]).decode("utf-8", "replace")
        if 0xFFFFFFFF in (compressed, size):
            compressed, size = _zip64_sizes(bytes(self.buffer[end - extra_length : end]), compressed, size)
        del self.buffer[:end]
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise NotAccepted()
        if not flags & 8:
            self._check_entry(size, compressed)
        if self.entries == 1 and name == "mimetype" and method == 0 and not flags & 8 and compressed < 100:
            self.state, self.capture = "mimetype", compressed
            return
        if name == "[Content_Types].xml":
            self.has_content_types = True
        if self.found is None:
            if name in OFFICE_MAIN_PARTS:
                self.found = OFFICE_MAIN_PARTS[name]
            for folder, content_type in OFFICE_FOLDERS.items():
                if name.startswith(folder):
                    self.folders.add(content_type)
            if self.found is None and self.has_content_types and len(self.folders) == 1:
                self.found = next(iter(self.folders))
        if not flags & 8 and compressed != 0xFFFFFFFF:
            self.state, self.skip = "skip", compressed
        elif method == 8:
            self.state, self.inflater = "inflate", zlib.decompressobj(-15)
            self.entry_inflated = self.entry_consumed = 0
        else:
            self.state = "stuck"

    def _check_entry(self, size: int, compressed: int, *, done: bool = True) -> None:
        """Refuse an entry that expands past the ratio, or the zip once all its entries pass MAX_EXPANDED."""
        if size > RATIO_FLOOR and size > MAX_RATIO * max(compressed, 1):
            raise TooExpanded(
                "An entry of the file expands {ratio} times when unpacked.", ratio=size // max(compressed, 1)
            )
        if self.expanded + size > MAX_EXPANDED:
            raise TooExpanded("The file expands to more than {limit} bytes when unpacked.", limit=MAX_EXPANDED)
        if done:
            self.expanded += size

    def _inflate(self) -> bool:
        """Run the deflate stream to its end to find where the entry stops; False when more bytes are needed."""
        assert self.inflater is not None
        data = bytes(self.buffer)
        self.buffer.clear()
        try:
            while data and not self.inflater.eof:
                before = len(data)
                out = len(self.inflater.decompress(data, 1 << 16))
                data = self.inflater.unconsumed_tail
                self.entry_consumed += before - len(data)
                self.entry_inflated += out
                self.inflated += out
                self._check_entry(self.entry_inflated, self.entry_consumed, done=False)
                if self.inflated > MAX_INFLATED:
                    self.state = "stuck"
                    return True
        except zlib.error as exc:
            raise NotAccepted() from exc
        if not self.inflater.eof:
            return False
        self.entry_consumed -= len(self.inflater.unused_data)
        self._check_entry(self.entry_inflated, self.entry_consumed)
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


def _zip64_sizes(extra: bytes, compressed: int, size: int) -> tuple[int, int]:
    """The real sizes from the zip64 extra field (uncompressed first, then compressed, each only if masked)."""
    at = 0
    while at + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, at)
        body = extra[at + 4 : at + 4 + length]
        if tag == ZIP64_EXTRA:
            values = list(struct.unpack_from(f"<{len(body) // 8}Q", body))
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            return compressed, size
        at += 4 + length
    return compressed, size
