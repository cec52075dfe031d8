"""Serving a version's bytes: ETag (the sha256), If-None-Match, a single Range, HEAD."""

from __future__ import annotations

import re
from typing import Protocol

from smartcity_kit.problems import RangeNotSatisfiable
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..storage import Storage
from ..uploads.names import content_disposition

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _etag_matches(header: str, etag: str) -> bool:
    candidates = [c.strip() for c in header.split(",")]
    return "*" in candidates or etag in [c.removeprefix("W/") for c in candidates]


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[start, end) of a single `bytes=` range; None to send everything (no range, several, or malformed).

    Raises 416 when the range is well formed but lies past the end.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip().replace(" ", ""))
    if match is None:
        return None  # several ranges or another unit: the whole content is a valid answer
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        suffix = int(last)
        if suffix == 0:
            raise _unsatisfiable(size)
        return max(size - suffix, 0), size
    start = int(first)
    end = size if not last else int(last) + 1
    if last and end <= start:
        return None  # malformed: ignored
    if start >= size:
        raise _unsatisfiable(size)
    return start, min(end, size)


def _unsatisfiable(size: int) -> RangeNotSatisfiable:
    return RangeNotSatisfiable(
        "The range lies outside the {size} bytes of the content.",
        headers={"Content-Range": f"bytes */{size}"},
        size=size,
    )


class Stored(Protocol):
    """A version's bytes as served: a `Version`, or `service.StoredVersion`."""

    @property
    def sha256(self) -> str: ...
    @property
    def size(self) -> int: ...
    @property
    def content_type(self) -> str: ...
    @property
    def filename(self) -> str: ...


def content_response(request: Request, storage: Storage, version: Stored) -> Response:
    etag = f'"{version.sha256}"'
    headers = {
        "ETag": etag,
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        "Content-Disposition": content_disposition(version.filename),
        "X-Content-Type-Options": "nosniff",
        # a browser that renders the bytes anyway (an HTML file judged a PDF, a PDF with scripts) runs them in a
        # sandbox without origin, scripts or requests
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and _etag_matches(if_none_match, etag):
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Disposition"})
    size = version.size
    span = None
    if_range = request.headers.get("if-range")
    if if_range is None or if_range.strip() == etag:
        span = byte_range(request.headers.get("range"), size)
    status = 200
    start, end = 0, size
    if span is not None:
        start, end = span
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{size}"
    headers["Content-Length"] = str(end - start)
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=version.content_type)
    return StreamingResponse(
        storage.read(version.sha256, start, end), status_code=status, headers=headers, media_type=version.content_type
    )
