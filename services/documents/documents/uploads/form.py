"""A `multipart/form-data` upload read as a stream, its file part written straight to storage.

The body is never held in memory: each chunk the server receives goes through
python-multipart's push parser, and the file part's bytes are counted, hashed
(sha256), judged for their type and written to a temporary storage object as
they arrive. The upload is refused the moment it breaks a rule (too large:
413; not an accepted type: 415), without reading the rest. Whatever goes
wrong, the temporary object is removed before the error leaves.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
from anyio import to_thread
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from smartcity_kit.problems import AppError, PayloadTooLarge, Unprocessable, UnsupportedMediaType
from smartcity_kit.problemtypes import FieldError
from starlette.requests import Request

from ..problems import FILE_EMPTY, FILE_TOO_EXPANDED
from ..storage import Storage, TempObject
from .names import safe_filename
from .sniff import ACCEPTED, EXTENSIONS, NotAccepted, Sniffer, TooExpanded

FILE_FIELD = "file"
MAX_TEXT_FIELD = 4096
MAX_PART_HEADERS = 16 * 1024
MAX_PARTS = 16
HASH_BATCH = 1024 * 1024
FORM_OVERHEAD = 256 * 1024  # what a form may carry besides the file: boundaries, headers, text fields


@dataclass
class ReceivedFile:
    temp: TempObject
    sha256: str
    size: int
    content_type: str
    filename: str


@dataclass
class ReceivedForm:
    fields: dict[str, str] = field(default_factory=dict)
    file: ReceivedFile | None = None

    async def discard(self) -> None:
        if self.file is not None:
            with anyio.CancelScope(shield=True):
                await self.file.temp.abort()


def _invalid(name: str, code: str, message: str, **values: Any) -> Unprocessable:
    return Unprocessable("The form is not valid.", errors=[FieldError(name, code, message, values)])


def _too_expanded(exc: TooExpanded) -> AppError:
    error = FieldError(FILE_FIELD, "too_expanded", exc.message, exc.values)
    return AppError(FILE_TOO_EXPANDED, "The file cannot be taken; nothing was stored.", errors=[error])


def too_large(limit: int) -> PayloadTooLarge:
    # the rest of the body is not read: the connection is closed after the answer
    return PayloadTooLarge(
        "The file is larger than the limit of {limit} bytes.", headers={"Connection": "close"}, limit=limit
    )


class _FilePart:
    """The file part's bytes on their way to storage: counted, judged, hashed and written.

    sha256 is the slowest step (about 200 MiB/s on a core without SHA
    instructions), so batches are hashed in a worker thread (hashlib releases
    the GIL) while the event loop receives the next batch: one batch in
    flight at a time keeps the order and bounds the memory.
    """

    def __init__(self, temp: TempObject, raw_name: str | None, limit: int) -> None:
        self.temp = temp
        self.raw_name = raw_name
        self.limit = limit
        self.size = 0
        self.digest = hashlib.sha256()
        self.sniffer = Sniffer()
        self.batch: list[memoryview | bytes] = []
        self.batch_size = 0
        self.hashing: asyncio.Future[None] | None = None

    async def write(self, data: memoryview | bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        try:
            self.sniffer.feed(data)
        except TooExpanded as exc:
            raise _too_expanded(exc) from None
        except NotAccepted:
            raise _unsupported() from None
        self.batch.append(data)
        self.batch_size += len(data)
        if self.batch_size >= HASH_BATCH:
            await self._flush()

    async def _flush(self) -> None:
        batch, self.batch, self.batch_size = self.batch, [], 0
        await self._hashed()
        self.hashing = asyncio.ensure_future(to_thread.run_sync(_update, self.digest, batch))
        for data in batch:
            await self.temp.write(data)

    async def _hashed(self) -> None:
        if self.hashing is not None:
            hashing, self.hashing = self.hashing, None
            await hashing

    async def finish(self) -> ReceivedFile:
        await self._flush()
        await self._hashed()
        return self.received()

    async def abandon(self) -> None:
        with anyio.CancelScope(shield=True):
            if self.hashing is not None:
                await asyncio.wait([self.hashing])
            await self.temp.abort()

    def received(self) -> ReceivedFile:
        if self.size == 0:
            empty = FieldError(FILE_FIELD, "empty", "The file is empty.")
            raise AppError(FILE_EMPTY, "The file is empty; nothing was stored.", errors=[empty])
        try:
            content_type = self.sniffer.finish()
        except TooExpanded as exc:
            raise _too_expanded(exc) from None
        except NotAccepted:
            raise _unsupported() from None
        return ReceivedFile(
            temp=self.temp,
            sha256=self.digest.hexdigest(),
            size=self.size,
            content_type=content_type,
            filename=safe_filename(self.raw_name, EXTENSIONS[content_type]),
        )


def _update(digest: hashlib._Hash, batch: list[memoryview | bytes]) -> None:
    for data in batch:
        digest.update(data)


def _unsupported() -> UnsupportedMediaType:
    return UnsupportedMediaType(
        "The file is not one of the accepted types ({types}), judged from its bytes.",
        types="PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG",
    )


async def receive_form(
    request: Request,
    *,
    storage: Storage,
    max_file_bytes: int,
    text_fields: frozenset[str],
    on_field: Callable[[str, str], None] | None = None,
) -> ReceivedForm:
    """Read the whole form; the caller commits or discards `form.file.temp`.

    `on_field(name, value)` sees each text field as soon as it arrives, so a
    rule that depends only on it can refuse the upload before the file is read.
    """
    media_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if media_type != b"multipart/form-data" or not boundary:
        raise UnsupportedMediaType("Send the upload as multipart/form-data with a boundary.")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_file_bytes + FORM_OVERHEAD:
        raise too_large(max_file_bytes)

    events: list[tuple[str, memoryview | bytes]] = []

    def data_event(kind: str) -> Callable[[bytes, int, int], None]:
        def record(data: bytes, start: int, end: int) -> None:
            events.append((kind, memoryview(data)[start:end] if type(data) is bytes else bytes(data[start:end])))

        return record

    def note(kind: str) -> Callable[[], None]:
        return lambda: events.append((kind, b""))

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": note("begin"),
            "on_header_field": data_event("header_field"),
            "on_header_value": data_event("header_value"),
            "on_header_end": note("header_end"),
            "on_headers_finished": note("headers_finished"),
            "on_part_data": data_event("data"),
            "on_part_end": note("part_end"),
            "on_end": note("end"),
        },
    )

    form = ReceivedForm()
    file_part: _FilePart | None = None
    text: bytearray | None = None
    name = ""
    header_field, header_value = bytearray(), bytearray()
    headers: dict[str, bytes] = {}
    header_bytes = parts = 0
    ended = False
    try:
        async for chunk in request.stream():
            if not chunk:
                continue
            try:
                parser.write(chunk)
            except MultipartParseError as exc:
                raise _invalid(
                    "body", "malformed", "The multipart body is malformed: {reason}.", reason=str(exc)
                ) from None
            for kind, data in events:
                if kind == "data":
                    if file_part is not None:
                        await file_part.write(data)
                    elif text is not None:
                        text += data
                        if len(text) > MAX_TEXT_FIELD:
                            raise _invalid(name, "too_long", "At most {limit} bytes.", limit=MAX_TEXT_FIELD)
                elif kind == "begin":
                    parts += 1
                    if parts > MAX_PARTS:
                        raise _invalid(
                            "body", "too_many_parts", "The form has more than {limit} parts.", limit=MAX_PARTS
                        )
                    headers, header_bytes = {}, 0
                elif kind in ("header_field", "header_value"):
                    header_bytes += len(data)
                    if header_bytes > MAX_PART_HEADERS:
                        raise _invalid("body", "headers_too_long", "A part's headers are too long.")
                    (header_field if kind == "header_field" else header_value).extend(data)
                elif kind == "header_end":
                    headers[header_field.decode("latin-1").lower()] = bytes(header_value)
                    header_field, header_value = bytearray(), bytearray()
                elif kind == "headers_finished":
                    disposition, options = parse_options_header(headers.get("content-disposition"))
                    name = options.get(b"name", b"").decode("utf-8", "replace")
                    if disposition != b"form-data" or not name:
                        raise _invalid(
                            "body", "no_disposition", "Every part needs Content-Disposition: form-data with a name."
                        )
                    if name in form.fields or (name == FILE_FIELD and form.file is not None):
                        raise _invalid(name, "repeated", "The field is sent more than once.")
                    if name == FILE_FIELD:
                        raw_name = options.get(b"filename")
                        file_part = _FilePart(
                            await storage.begin(),
                            raw_name.decode("utf-8", "replace") if raw_name is not None else None,
                            max_file_bytes,
                        )
                    elif name in text_fields:
                        text = bytearray()
                    else:
                        raise _invalid(name, "extra_forbidden", "Unknown field.")
                elif kind == "part_end":
                    if file_part is not None:
                        form.file = await file_part.finish()  # on error, still `file_part`: abandoned below
                        file_part = None
                    elif text is not None:
                        try:
                            value = text.decode("utf-8")
                        except UnicodeDecodeError:
                            raise _invalid(name, "not_utf8", "Not UTF-8 text.") from None
                        text = None
                        form.fields[name] = value
                        if on_field is not None:
                            on_field(name, value)
                elif kind == "end":
                    ended = True
            events.clear()
        if not ended:
            raise _invalid("body", "truncated", "The multipart body ends before its closing boundary.")
        if form.file is None:
            raise _invalid(FILE_FIELD, "required", "Field required.")
    except BaseException:
        if file_part is not None:
            await file_part.abandon()
        await form.discard()
        raise
    return form


__all__ = ["ACCEPTED", "ReceivedFile", "ReceivedForm", "receive_form"]
