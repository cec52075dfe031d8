"""Which regions a mentor mentors, asked of the mentoring service (which owns the assignments).

A mentor reads the documents of the regions whose tracks it is assigned to,
and no others. The mentoring service answers `GET /tracks` for a mentor with
exactly its assigned tracks; the answer is remembered per mentor for
`mentor_scope_ttl` seconds, so an assignment or its end shows within that
time. When the mentoring service does not answer, a mentor's read is 503:
never more than its scope.
"""

from __future__ import annotations

import time

import httpx
import structlog
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.logging import request_id_var
from smartcity_kit.problems import ServiceUnavailable

log = structlog.get_logger("documents.mentored")
MAX_PAGES = 20
_CACHE_MAX = 10_000


class MentoredRegions:
    def __init__(self, *, base_url: str, client: httpx.AsyncClient, secret: str, ttl: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = client
        self.secret = secret
        self.ttl = ttl
        self._cache: dict[str, tuple[frozenset[str], float]] = {}

    async def of(self, mentor: Caller) -> frozenset[str]:
        """The region codes of the tracks `mentor` is assigned to."""
        now = time.monotonic()
        hit = self._cache.get(mentor.subject)
        if hit is not None and hit[1] > now:
            return hit[0]
        regions = await self._fetch(mentor)
        if len(self._cache) >= _CACHE_MAX:
            self._cache.clear()
        self._cache[mentor.subject] = (regions, now + self.ttl)
        return regions

    async def _fetch(self, mentor: Caller) -> frozenset[str]:
        # the mentor's own identity: the mentoring service scopes the tracks to the ones assigned to it
        headers = {"x-smartcity-identity": sign_identity(mentor, self.secret)}
        if (rid := request_id_var.get()) is not None:
            headers["x-request-id"] = rid
        regions: set[str] = set()
        cursor = None
        for _ in range(MAX_PAGES):
            params = {"limit": "200", **({"cursor": cursor} if cursor else {})}
            try:
                response = await self.client.get(f"{self.base_url}/api/v1/tracks", params=params, headers=headers)
            except httpx.HTTPError as exc:
                log.warning("mentoring service unreachable", error=repr(exc))
                raise ServiceUnavailable("The mentoring service does not answer; a mentor's reads wait.") from exc
            if response.status_code != 200:
                log.warning("mentoring service refused", status=response.status_code, body=response.text[:500])
                raise ServiceUnavailable("The mentoring service could not say which regions you mentor.")
            try:
                page = response.json()
                regions.update(str(track["region_code"]) for track in page["items"])
                cursor = page.get("next_cursor")
            except (ValueError, KeyError, TypeError) as exc:
                log.warning("mentoring service answered nonsense", error=repr(exc))
                raise ServiceUnavailable("The mentoring service gave an answer that cannot be read.") from exc
            if not cursor:
                break
        return frozenset(regions)
