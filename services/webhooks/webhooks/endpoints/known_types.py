"""Which event types there are, so a subscription's pattern that matches none is refused (422) at once.

The catalogue is read from the OpenAPI documents of the services whose feeds
are delivered (each lists its event types under `webhooks`: the kit's
catalogue.py) and kept `event_types_refresh` seconds. A typo such as
`participant.status_change` would otherwise deliver nothing, forever, and say
nothing. When a service's document cannot be read, its types are not known and
every pattern is accepted: a service that is down stops no registration.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence

import httpx
import structlog

log = structlog.get_logger("webhooks.event_types")

# the event this service makes itself (`POST /webhooks/{id}/test`)
OWN_TYPES = frozenset({"webhook.test"})


def matches(pattern: str, event_type: str) -> bool:
    """The rule fanout.py applies in SQL: `*`, the type itself, or a prefix pattern `participant.*`."""
    return pattern == "*" or pattern == event_type or (pattern.endswith(".*") and event_type.startswith(pattern[:-1]))


class KnownTypes:
    def __init__(self, service_urls: Sequence[str], refresh: float = 60.0, timeout: float = 2.0) -> None:
        self.urls = sorted(set(service_urls))
        self.refresh, self.timeout = refresh, timeout
        self._types: frozenset[str] | None = None
        self._read_at = 0.0

    async def types(self) -> frozenset[str] | None:
        """Every event type of the platform, or None when a service's document could not be read."""
        if self._types is not None and time.monotonic() - self._read_at < self.refresh:
            return self._types
        # a client per read: it happens once a minute at most, on a registration
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            found = await asyncio.gather(*(self._read(client, url) for url in self.urls))
        if any(types is None for types in found):
            return None
        self._types = OWN_TYPES.union(*(t for t in found if t is not None))
        self._read_at = time.monotonic()
        return self._types

    async def _read(self, client: httpx.AsyncClient, url: str) -> frozenset[str] | None:
        try:
            response = await client.get(url + "/openapi.json")
            document = response.json() if response.status_code == 200 else None
        except (httpx.HTTPError, ValueError) as exc:
            log.info("event types not read", url=url, error=repr(exc))
            return None
        if not isinstance(document, dict) or not isinstance(document.get("webhooks"), dict):
            return None
        return frozenset(document["webhooks"])

    async def unmatched(self, patterns: Sequence[str]) -> list[int]:
        """The positions of the patterns that match no known event type (none when the types are not known)."""
        known = await self.types()
        if known is None:
            return []
        return [i for i, pattern in enumerate(patterns) if not any(matches(pattern, t) for t in known)]
