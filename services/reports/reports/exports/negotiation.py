"""Which form of a report the caller gets: `?format=` first, then the `Accept` header, else JSON.

A format the endpoint cannot serve is 406 with the list of those it can.
"""

from __future__ import annotations

from smartcity_kit.generic_problems import NOT_ACCEPTABLE
from smartcity_kit.problems import AppError

MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html",
    "svg": "image/svg+xml",
    "png": "image/png",
}


class NotAcceptable(AppError):
    """406 with the formats `available` (the detail's `{formats}`) and the one asked for (its `{format}`)."""

    def __init__(self, detail: str, available: tuple[str, ...], *, asked: str = "") -> None:
        super().__init__(
            NOT_ACCEPTABLE,
            detail,
            extra={"available": [{"format": f, "media_type": MEDIA_TYPES[f]} for f in available]},
            formats=", ".join(available),
            format=asked,
        )


def _accepted(header: str) -> list[tuple[float, int, str]]:
    """(q, order, media range) for each range of the header, best first; q=0 ranges are left out."""
    ranges = []
    for order, part in enumerate(header.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            ranges.append((q, order, media.lower()))
    return sorted(ranges, key=lambda r: (-r[0], -_specificity(r[2]), r[1]))


def _specificity(media: str) -> int:
    return 0 if media == "*/*" else 1 if media.endswith("/*") else 2


def choose(format_: str | None, accept: str | None, available: tuple[str, ...]) -> str:
    """The format to answer in, from `available` (its first is the default)."""
    if format_ is not None:
        if format_ not in available:
            raise NotAcceptable("This report comes as {formats}; not as '{format}'.", available, asked=format_)
        return format_
    if not accept or not accept.strip():
        return available[0]
    for _, _, media in _accepted(accept):
        for name in available:
            full = MEDIA_TYPES[name]
            if media in ("*/*", full) or (media.endswith("/*") and full.startswith(media[:-1])):
                return name
    raise NotAcceptable("This report comes as {formats}; none of them is acceptable to you.", available)
