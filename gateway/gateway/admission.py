"""How much of a service one kind of request may hold: bounded concurrency at the gateway.

Without a bound, a hundred callers hammering one expensive list fill the
service's event loop and database pool, and a cheap read waits behind all of
them (1 s and more). Each gateway replica therefore lets at most
`route_concurrency` requests of one route (method and path template) and
`service_concurrency` requests in all reach a service at once; a request
finding no place waits in line up to `queue_timeout` seconds, then is refused
503 with `Retry-After`. A hammered route then queues only behind itself.

Uploads and downloads of content are not counted here: they are long and
light (bytes streamed, no work per byte), and a caller holds at most
`max_uploads_per_caller` uploads at once (429 past it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from smartcity_kit.generic_problems import SERVICE_BUSY
from smartcity_kit.problems import AppError

from .problems import TOO_MANY_UPLOADS


class Busy(AppError):
    def __init__(self, service: str) -> None:
        super().__init__(
            SERVICE_BUSY,
            "The {service} service is busy with requests like this one; retry in a moment.",
            headers={"Retry-After": "1"},
            service=service,
        )


class Gates:
    def __init__(self, *, route_concurrency: int, service_concurrency: int, queue_timeout: float) -> None:
        self.route_concurrency = route_concurrency
        self.service_concurrency = service_concurrency
        self.queue_timeout = queue_timeout
        self._routes: dict[tuple[str, str], asyncio.Semaphore] = {}
        self._services: dict[str, asyncio.Semaphore] = {}

    @contextlib.asynccontextmanager
    async def slot(self, service: str, route: str) -> AsyncIterator[None]:
        """A place for one request of `route` at `service`, held while it runs; Busy when none comes in time."""
        route_gate = self._routes.get((service, route))
        if route_gate is None:
            route_gate = self._routes[(service, route)] = asyncio.Semaphore(self.route_concurrency)
        service_gate = self._services.get(service)
        if service_gate is None:
            service_gate = self._services[service] = asyncio.Semaphore(self.service_concurrency)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.queue_timeout
        await _acquire(route_gate, deadline - loop.time(), service)
        try:
            await _acquire(service_gate, deadline - loop.time(), service)
            try:
                yield
            finally:
                service_gate.release()
        finally:
            route_gate.release()


async def _acquire(gate: asyncio.Semaphore, timeout: float, service: str) -> None:
    if not gate.locked():
        await gate.acquire()  # a free place: no timer
        return
    try:
        await asyncio.wait_for(gate.acquire(), max(timeout, 0))
    except TimeoutError:
        raise Busy(service) from None


class UploadSlots:
    """Uploads in flight per caller (in this replica)."""

    def __init__(self, per_caller: int) -> None:
        self.per_caller = per_caller
        self._held: dict[str, int] = {}

    @contextlib.asynccontextmanager
    async def slot(self, owner: str) -> AsyncIterator[None]:
        held = self._held.get(owner, 0)
        if held >= self.per_caller:
            raise AppError(
                TOO_MANY_UPLOADS,
                "At most {count} uploads at once per caller; wait for one to finish.",
                headers={"Retry-After": "5"},
                count=self.per_caller,
            )
        self._held[owner] = held + 1
        try:
            yield
        finally:
            left = self._held[owner] - 1
            if left:
                self._held[owner] = left
            else:
                del self._held[owner]
