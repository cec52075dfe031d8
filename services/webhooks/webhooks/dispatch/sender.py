"""One attempt: POST the signed body to the endpoint's checked address, and say what came back.

The request goes to the address that `destinations.resolve` approved (the
URL's host kept in `Host` and in TLS's SNI, so certificates are still checked
against the name), redirects are not followed (a 3xx is a failure), at most
64 KiB of the answer is read, and the whole attempt, connecting included,
gets `WEBHOOKS_DELIVERY_TIMEOUT` seconds. An answer that is not HTTP (a 204
followed by content, say) is a failure.

The client is aiohttp's: `bench/webhooks/http_clients.py` measured it at a
tenth of httpx's CPU per request on the same receivers (bench/README.md).
An attempt is traced (the dispatcher's span, linked to the fan-out that made the delivery), but a partner's
receiver gets no trace context of ours.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit, urlunsplit

import aiohttp

from ..destinations import Network, Refused, check_url, resolve

MAX_RESPONSE_BYTES = 64 * 1024
KEPT_RESPONSE_CHARS = 2048


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    attempted_at: datetime
    duration_ms: int
    status_code: int | None = None
    error: str | None = None
    response_body: str | None = None
    # seconds the receiver asked us to wait (429 or 503 with Retry-After)
    retry_after: float | None = None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


def retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def new_client(max_connections: int = 500) -> aiohttp.ClientSession:
    """The session every attempt goes through: keep-alive, no cookies kept, the answer's bytes as sent.

    trust_env=False (aiohttp's default, said here): no proxy or netrc from the environment may redirect webhooks
    elsewhere. The timeout is the attempt's own (`attempt`), connecting included.
    """
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=max_connections, use_dns_cache=False),
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=None),
        auto_decompress=False,
        trust_env=False,
    )


async def _post(
    client: aiohttp.ClientSession,
    url: str,
    headers: dict[str, str],
    body: str,
    allowed: Sequence[Network],
    dev: bool,
) -> tuple[int, str, str | None]:
    scheme, host, port = check_url(url, development=dev)
    address = await resolve(host, port, allowed)
    parts = urlsplit(url)
    literal = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    target = urlunsplit(parts._replace(netloc=f"{literal}:{port}"))
    host_header = parts.netloc.rsplit("@", 1)[-1]
    async with client.post(
        target,
        headers={**headers, "host": host_header},
        data=body.encode(),
        allow_redirects=False,
        server_hostname=host if scheme == "https" else None,
    ) as response:
        received = bytearray()
        while len(received) < MAX_RESPONSE_BYTES:
            chunk = await response.content.read(MAX_RESPONSE_BYTES - len(received))
            if not chunk:
                break
            received += chunk
        if not response.content.at_eof():
            response.close()  # the rest is never read: the connection goes, not back to the pool
        status, after = response.status, response.headers.get("retry-after")
    text = received[:KEPT_RESPONSE_CHARS].decode("utf-8", errors="replace")
    return status, text, after


async def attempt(
    client: aiohttp.ClientSession,
    *,
    delivery_id: int,
    url: str,
    headers: dict[str, str],
    body: str,
    allowed: Sequence[Network],
    development: bool,
    timeout: float,
) -> Outcome:
    started_at = datetime.now(UTC)
    started = time.perf_counter()

    def took() -> int:
        return round((time.perf_counter() - started) * 1000)

    try:
        async with asyncio.timeout(timeout):
            status, text, after = await _post(client, url, headers, body, allowed, development)
    except Refused as exc:
        return Outcome(delivery_id, started_at, took(), error=f"Refused: {exc}")
    except TimeoutError:
        return Outcome(delivery_id, started_at, took(), error=f"No answer within {timeout:g} s.")
    except (aiohttp.ClientError, OSError) as exc:
        return Outcome(delivery_id, started_at, took(), error=f"{type(exc).__name__}: {exc}"[:500])
    wait = retry_after(after, started_at) if status in (429, 503) else None
    return Outcome(delivery_id, started_at, took(), status_code=status, response_body=text, retry_after=wait)
