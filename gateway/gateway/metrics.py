"""Prometheus metrics of the gateway: requests and their duration per target service and status.

The kit's request context (`smartcity_kit.app.RequestContextMiddleware`) counts each request here once it is
answered; the target is the service the request was routed to (`scope["state"]["target"]`), else `gateway`.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Histogram
from smartcity_kit.metrics import new_registry
from starlette.types import Scope


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = new_registry()  # the process and GC collectors too
        self.requests = Counter(
            "gateway_requests_total", "Requests by target and status", ["target", "status"], registry=self.registry
        )
        self.duration = Histogram(
            "gateway_request_duration_seconds", "Request duration by target", ["target"], registry=self.registry
        )
        # each label set's children bound once: `labels()` checks and joins its values under a lock on every call
        self.bound: dict[tuple[str, int], tuple[Any, Any]] = {}

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        target = scope.get("state", {}).get("target", "gateway")
        bound = self.bound.get((target, status))
        if bound is None:
            bound = self.bound[(target, status)] = (
                self.requests.labels(target, str(status)),
                self.duration.labels(target),
            )
        bound[0].inc()
        bound[1].observe(seconds)
