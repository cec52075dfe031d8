"""Prometheus metrics of the gateway: requests and their duration per target service and status."""

from __future__ import annotations

from prometheus_client import Counter, Histogram
from smartcity_kit.metrics import new_registry


class GatewayMetrics:
    def __init__(self) -> None:
        self.registry = new_registry()  # the process and GC collectors too
        self.requests = Counter(
            "gateway_requests_total", "Requests by target and status", ["target", "status"], registry=self.registry
        )
        self.duration = Histogram(
            "gateway_request_duration_seconds", "Request duration by target", ["target"], registry=self.registry
        )

    def observe(self, target: str, status: int, seconds: float) -> None:
        self.requests.labels(target, str(status)).inc()
        self.duration.labels(target).observe(seconds)
