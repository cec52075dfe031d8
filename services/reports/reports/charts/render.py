"""A Vega-Lite specification to SVG or PNG bytes; a repeated specification is served from memory."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import OrderedDict
from typing import Any

import vl_convert

PNG_SCALE = 2  # crisp on a projector and in print
_CACHE: OrderedDict[str, bytes] = OrderedDict()
_CACHE_SIZE = 64


def fingerprint(spec: dict[str, Any], format_: str) -> str:
    """What the image depends on, and nothing else: the specification and the format."""
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{format_}:{canonical}".encode()).hexdigest()[:32]


def render_sync(spec: dict[str, Any], format_: str) -> bytes:
    if format_ == "svg":
        return vl_convert.vegalite_to_svg(spec).encode()
    if format_ == "png":
        return vl_convert.vegalite_to_png(spec, scale=PNG_SCALE)
    raise ValueError(f"no renderer for {format_}")


async def render(spec: dict[str, Any], format_: str, key: str | None = None) -> bytes:
    """Rendered off the event loop (a chart takes tens to hundreds of milliseconds of CPU)."""
    key = key or fingerprint(spec, format_)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    image = await asyncio.to_thread(render_sync, spec, format_)
    _CACHE[key] = image
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return image
