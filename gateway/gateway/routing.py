"""Which service owns which `/api/v1` path."""

from __future__ import annotations

# longest prefix first is not needed: prefixes do not overlap
OWNERS: dict[str, str] = {
    "/api/v1/regions": "participants",
    "/api/v1/phases": "participants",
    "/api/v1/participants": "participants",
    "/api/v1/events/participants": "participants",
    "/api/v1/curriculum": "mentoring",
    "/api/v1/mentors": "mentoring",
    "/api/v1/tracks": "mentoring",
    "/api/v1/sessions": "mentoring",
    "/api/v1/deliverables": "mentoring",
    "/api/v1/events/mentoring": "mentoring",
    "/api/v1/documents": "documents",
    "/api/v1/events/documents": "documents",
    "/api/v1/monitoring": "monitoring",
    "/api/v1/events/monitoring": "monitoring",
    "/api/v1/reports": "reports",
    "/api/v1/webhooks": "webhooks",
    # each service's audit trail; the gateway answers its own (API keys), reports keeps none (a read model)
    "/api/v1/audit/participants": "participants",
    "/api/v1/audit/mentoring": "mentoring",
    "/api/v1/audit/documents": "documents",
    "/api/v1/audit/monitoring": "monitoring",
    "/api/v1/audit/webhooks": "webhooks",
}


def owner_of(path: str) -> str | None:
    for prefix, service in OWNERS.items():
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None
