"""ETag and If-Match: a single resource's GET says its version; writes must name it."""

from __future__ import annotations

import hashlib

import orjson
from fastapi import Request, Response

from .problems import PreconditionFailed, PreconditionRequired


def etag_of(value: object) -> str:
    """A strong ETag from the resource's JSON form (or any version marker)."""
    digest = hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()
    return f'"{digest[:32]}"'


def set_etag(response: Response, etag: str) -> None:
    response.headers["ETag"] = etag


def require_if_match(request: Request, current: str) -> None:
    """428 without If-Match, 412 when it does not name the current version."""
    header = request.headers.get("if-match")
    if header is None:
        raise PreconditionRequired("This resource changes only with an If-Match header carrying its ETag.")
    candidates = [c.strip() for c in header.split(",")]
    if "*" in candidates:
        return
    if current not in candidates:  # strong comparison (RFC 9110 13.1.1): a weak `W/"..."` never matches
        raise PreconditionFailed("The resource has changed since it was read; GET it again and retry.")
