"""The streaming reverse proxy: a plain ASGI handler over one aiohttp session per service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

import aiohttp
import structlog
from smartcity_kit.bodylimit import BodyTooLarge
from smartcity_kit.generic_problems import GATEWAY_TIMEOUT, SERVICE_UNAVAILABLE
from smartcity_kit.i18n import language_of
from smartcity_kit.identity import IDENTITY_HEADER
from smartcity_kit.problems import problem_response
from starlette.types import Receive, Scope, Send
from yarl import URL

log = structlog.get_logger("proxy")
E = TypeVar("E", bound=BaseException)

HOP_BY_HOP = {
    b"connection",
    b"keep-alive",
    b"proxy-authenticate",
    b"proxy-authorization",
    b"te",
    b"trailer",
    b"transfer-encoding",
    b"upgrade",
    b"host",
    b"content-length",
}
# credentials end at the gateway; identity and forwarding headers only the gateway may set (it is the edge)
FORWARDING = {b"forwarded", b"x-forwarded-for", b"x-forwarded-host", b"x-forwarded-proto", b"x-real-ip"}
STRIPPED_REQUEST = HOP_BY_HOP | FORWARDING | {b"authorization", b"x-api-key", b"cookie", IDENTITY_HEADER.encode()}
STRIPPED_RESPONSE = (HOP_BY_HOP - {b"content-length"}) | {b"set-cookie", b"server", b"date", b"x-request-id"}


class ClientGone(Exception):
    """The client went away mid-request: the upstream request is abandoned."""


class Upstream:
    def __init__(self, name: str, base_url: str, *, pool_size: int, connect_timeout: float, timeout: float) -> None:
        self.name = name
        self.base_url = base_url
        self.session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=pool_size, limit_per_host=pool_size, keepalive_timeout=30),
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None, connect=connect_timeout, sock_read=timeout),
            auto_decompress=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
        )

    async def close(self) -> None:
        await self.session.close()


async def _request_body(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone()
        chunk = message.get("body", b"")
        if chunk:
            yield chunk
        if not message.get("more_body", False):
            return


async def forward(
    scope: Scope, receive: Receive, send: Send, upstream: Upstream, identity: str, request_id: str
) -> None:
    headers: list[tuple[str, str]] = []
    content_length = None
    for name, value in scope["headers"]:
        if name == b"content-length":
            content_length = value
        if name not in STRIPPED_REQUEST and name != b"x-request-id":
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
    headers.append((IDENTITY_HEADER, identity))
    headers.append(("x-request-id", request_id))
    client = scope.get("client")
    if client:
        headers.append(("x-forwarded-for", client[0]))
    method = scope["method"]
    has_body = content_length not in (None, b"0") or any(n == b"transfer-encoding" for n, _ in scope["headers"])
    if content_length is not None:
        headers.append(("content-length", content_length.decode()))
    raw_url = upstream.base_url + scope["raw_path"].decode("latin-1")
    if scope.get("query_string"):
        raw_url += "?" + scope["query_string"].decode("latin-1")
    url = URL(raw_url, encoded=True)  # as the client sent it: never re-quoted or dot-normalised

    attempts = 1 if has_body or method not in ("GET", "HEAD") else 2
    for attempt in range(attempts):
        try:
            response = await upstream.session.request(
                method,
                url,
                headers=headers,
                data=_request_body(receive) if has_body else None,
                allow_redirects=False,
                compress=None,
                chunked=None,
            )
            break
        except ClientGone:
            return
        except BodyTooLarge as exc:
            await _too_large(exc, scope, receive, send)
            return
        except aiohttp.ServerDisconnectedError:
            if attempt + 1 < attempts:  # a pooled connection the service closed: once more on a fresh one
                continue
            await _unavailable(scope, receive, send, upstream)
            return
        except aiohttp.ConnectionTimeoutError:  # not even a connection: the service is not there
            await _unavailable(scope, receive, send, upstream)
            return
        except (TimeoutError, aiohttp.ServerTimeoutError):
            await problem_response(
                GATEWAY_TIMEOUT,
                language_of(scope["headers"]),
                "The {service} service did not answer in time.",
                values={"service": upstream.name},
                headers={"Retry-After": "5"},
            )(scope, receive, send)
            return
        except aiohttp.ClientConnectionError as exc:
            if _caused_by(exc, ClientGone):  # aiohttp wraps what our body iterator raised: nobody is left to answer
                return
            if too_large := _caused_by(exc, BodyTooLarge):  # the body passed the limit while streaming
                await _too_large(too_large, scope, receive, send)
                return
            await _unavailable(scope, receive, send, upstream)
            return

    watcher: asyncio.Future[None] | None = None
    try:
        out_headers = [(k.lower(), v) for k, v in response.raw_headers if k.lower() not in STRIPPED_RESPONSE]
        await send({"type": "http.response.start", "status": response.status, "headers": out_headers})
        if method == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return
        content = response.content
        async for chunk in content.iter_any():
            # the usual small answer arrives whole: send it as the last message, saving a round through the server
            last = content.is_eof()
            await send({"type": "http.response.body", "body": chunk, "more_body": not last})
            if last:
                return
            if watcher is None:
                # a long answer: notice a client that leaves, so that the service's stream is not read for nobody
                watcher = asyncio.ensure_future(_disconnected(receive))
            elif watcher.done():
                response.close()
                return
        await send({"type": "http.response.body", "body": b""})
    except (TimeoutError, aiohttp.ClientError) as exc:
        # the response had started: all we can do is cut it short
        log.warning("upstream broke mid-response", upstream=upstream.name, error=repr(exc))
    finally:
        if watcher is not None:
            watcher.cancel()
        response.release()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _caused_by(exc: BaseException | None, cls: type[E]) -> E | None:
    """The `cls` exception in `exc`'s chain (or its args, where aiohttp puts it), if any."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, cls):
            return exc
        found = next((arg for arg in exc.args if isinstance(arg, cls)), None)
        if found is not None:
            return found
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


async def _too_large(exc: BodyTooLarge, scope: Scope, receive: Receive, send: Send) -> None:
    response = exc.error.to_response(language_of(scope["headers"]))
    response.headers["Connection"] = "close"
    await response(scope, receive, send)


async def _unavailable(scope: Scope, receive: Receive, send: Send, upstream: Upstream) -> None:
    await problem_response(
        SERVICE_UNAVAILABLE,
        language_of(scope["headers"]),
        "The {service} service is not available; retry shortly.",
        values={"service": upstream.name},
        headers={"Retry-After": "5"},
    )(scope, receive, send)
