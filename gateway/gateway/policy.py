"""What a role may never do: the contract's "who" column as a table of route classes.

The gateway refuses (403) a role outside a route's class before any service
sees the request. Scope (own region, assigned mentor, 404 for another region's
object) stays with the services. Wherever the contract names `operator`, an
`admin` may act too. A route the table does not name is refused whatever the
role: 405 (with `Allow`) when the table names the path for other methods, else
404. A new endpoint is reachable only once it has a line here. An `auditor`
reads every route the table names and writes none, whatever its class says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smartcity_kit.identity import ROLES, Role

ANY = frozenset(ROLES)
STAFF = frozenset({Role.ADMIN, Role.OPERATOR})
STAFF_REGION = STAFF | {Role.REGION}
STAFF_MENTOR = STAFF | {Role.MENTOR}
# a region reads the feeds too: the owning service narrows them to the events that name its region
FEED_READERS = STAFF | {Role.PARTNER, Role.REGION}
# who registers webhook endpoints: staff for partner systems, a partner for itself, a region for its own region
SUBSCRIBERS = STAFF | {Role.REGION, Role.PARTNER}
# who reads the audit trails (smartcity_kit.audit.router says the same)
# an auditor (BPK, the Inspectorate) reads every route, added to each GET below, and writes none
AUDITOR = Role.AUDITOR
AUDIT_READERS = frozenset({Role.ADMIN, AUDITOR})
# a partner ministry's key bound to an organisation publishes its official index (the service checks which)
PUBLISHERS = frozenset({Role.PARTNER})

# (route class, method, path template, roles allowed)
ROUTE_CLASSES: list[tuple[str, str, str, frozenset[Role]]] = [
    # gateway
    ("me", "GET", "/api/v1/me", ANY),
    ("api_keys.manage", "POST", "/api/v1/api-keys", STAFF),
    ("api_keys.manage", "GET", "/api/v1/api-keys", STAFF),
    ("api_keys.manage", "DELETE", "/api/v1/api-keys/{id}", STAFF),
    # participants
    ("regions.import", "POST", "/api/v1/regions/import", STAFF),
    ("regions.import", "POST", "/api/v1/regions/statistics", STAFF),
    ("read.public", "GET", "/api/v1/regions", ANY),
    ("read.public", "GET", "/api/v1/regions/{code}", ANY),
    ("programme.manage", "POST", "/api/v1/phases", STAFF),
    ("read.public", "GET", "/api/v1/phases", ANY),
    ("read.public", "GET", "/api/v1/phases/{code}", ANY),
    ("region.apply", "POST", "/api/v1/participants", STAFF_REGION),
    ("read.scoped", "GET", "/api/v1/participants", ANY),
    ("read.scoped", "GET", "/api/v1/participants/{id}", ANY),
    ("region.write", "PATCH", "/api/v1/participants/{id}", STAFF_REGION),
    ("programme.manage", "PUT", "/api/v1/participants/{id}/assessment", STAFF),
    ("programme.manage", "POST", "/api/v1/phases/{code}/selection", STAFF),
    ("programme.manage", "POST", "/api/v1/participants/{id}/reject", STAFF),
    ("region.write", "POST", "/api/v1/participants/{id}/withdraw", STAFF_REGION),
    ("programme.manage", "POST", "/api/v1/phases/{code}/mou-signings", STAFF),
    ("read.scoped", "GET", "/api/v1/participants/{id}/history", ANY),
    # mentoring
    ("read.public", "GET", "/api/v1/curriculum", ANY),
    ("read.public", "GET", "/api/v1/curriculum/{code}", ANY),
    ("programme.manage", "PUT", "/api/v1/curriculum/{code}", STAFF),
    ("programme.manage", "POST", "/api/v1/mentors", STAFF),
    ("read.public", "GET", "/api/v1/mentors", ANY),
    ("read.public", "GET", "/api/v1/mentors/{id}", ANY),
    ("read.scoped", "GET", "/api/v1/tracks", ANY),
    ("read.scoped", "GET", "/api/v1/tracks/{id}", ANY),
    ("programme.manage", "POST", "/api/v1/tracks/{id}/mentors", STAFF),
    ("programme.manage", "DELETE", "/api/v1/tracks/{id}/mentors/{mentor_id}", STAFF),
    ("programme.manage", "POST", "/api/v1/sessions", STAFF),
    ("read.scoped", "GET", "/api/v1/sessions", ANY),
    ("read.scoped", "GET", "/api/v1/sessions/{id}", ANY),
    ("mentoring.attendance", "PUT", "/api/v1/sessions/{id}/attendance", STAFF_MENTOR),
    ("region.write", "POST", "/api/v1/tracks/{id}/deliverables", STAFF_REGION),
    ("read.scoped", "GET", "/api/v1/tracks/{id}/deliverables", ANY),
    ("mentoring.review", "POST", "/api/v1/deliverables/{id}/review", STAFF_MENTOR),
    ("read.scoped", "GET", "/api/v1/deliverables/{id}", ANY),
    ("programme.manage", "POST", "/api/v1/tracks/{id}/advance", STAFF),
    ("region.write", "PUT", "/api/v1/tracks/{id}/masterplan", STAFF_REGION),
    ("read.scoped", "GET", "/api/v1/tracks/{id}/masterplan", ANY),
    ("programme.manage", "POST", "/api/v1/tracks/{id}/masterplan/approve", STAFF),
    # documents
    ("region.write", "POST", "/api/v1/documents", STAFF_REGION),
    ("region.write", "POST", "/api/v1/documents/{id}/versions", STAFF_REGION),
    ("read.scoped", "GET", "/api/v1/documents", ANY),
    ("read.scoped", "GET", "/api/v1/documents/{id}", ANY),
    ("read.scoped", "GET", "/api/v1/documents/{id}/content", ANY),
    ("read.scoped", "GET", "/api/v1/documents/{id}/versions/{n}/content", ANY),
    ("programme.manage", "DELETE", "/api/v1/documents/{id}", STAFF),
    # monitoring
    ("read.public", "GET", "/api/v1/monitoring/indicators", ANY),
    ("read.public", "GET", "/api/v1/monitoring/indicators/{code}", ANY),
    ("read.scoped", "GET", "/api/v1/monitoring/portfolios", ANY),
    ("read.scoped", "GET", "/api/v1/monitoring/portfolios/{id}", ANY),
    ("read.scoped", "GET", "/api/v1/monitoring/initiatives/{id}", ANY),
    ("read.scoped", "GET", "/api/v1/monitoring/initiatives/{id}/indicators", ANY),
    ("region.write", "POST", "/api/v1/monitoring/initiatives/{id}/indicators", STAFF_REGION),
    ("read.scoped", "GET", "/api/v1/monitoring/tracked-indicators/{id}", ANY),
    ("region.write", "PUT", "/api/v1/monitoring/tracked-indicators/{id}/targets", STAFF_REGION),
    ("programme.manage", "POST", "/api/v1/monitoring/periods", STAFF),
    ("read.public", "GET", "/api/v1/monitoring/periods", ANY),
    ("read.public", "GET", "/api/v1/monitoring/periods/{code}", ANY),
    ("programme.manage", "POST", "/api/v1/monitoring/periods/{code}/lock", STAFF),
    ("read.scoped", "GET", "/api/v1/monitoring/periods/{code}/reports", ANY),
    ("read.scoped", "GET", "/api/v1/monitoring/periods/{code}/reports/{region_code}", ANY),
    ("region.write", "PUT", "/api/v1/monitoring/periods/{code}/reports/{region_code}", STAFF_REGION),
    ("region.write", "POST", "/api/v1/monitoring/periods/{code}/reports/{region_code}/submit", STAFF_REGION),
    ("monitoring.review", "POST", "/api/v1/monitoring/periods/{code}/reports/{region_code}/review", STAFF_MENTOR),
    ("programme.manage", "POST", "/api/v1/monitoring/periods/{code}/reports/{region_code}/reopen", STAFF),
    ("read.scoped", "GET", "/api/v1/monitoring/periods/{code}/reports/{region_code}/history", ANY),
    ("region.write", "GET", "/api/v1/monitoring/periods/{code}/reports/{region_code}/template.xlsx", STAFF_REGION),
    ("region.write", "POST", "/api/v1/monitoring/periods/{code}/reports/{region_code}/upload", STAFF_REGION),
    ("read.scoped", "GET", "/api/v1/monitoring/periods/{code}/results", ANY),
    ("read.scoped", "GET", "/api/v1/monitoring/periods/{code}/results/{region_code}", ANY),
    ("read.public", "GET", "/api/v1/monitoring/official-indices", ANY),
    ("official_index.publish", "PUT", "/api/v1/monitoring/official-indices/{index}/{year}", PUBLISHERS),
    ("read.public", "GET", "/api/v1/monitoring/official-indices/{index}/{year}", ANY),
    # reports (scope is the reports service's: a region reads its own figures)
    ("read.scoped", "GET", "/api/v1/reports/overview", ANY),
    ("read.scoped", "GET", "/api/v1/reports/mentoring", ANY),
    ("read.scoped", "GET", "/api/v1/reports/masterplans", ANY),
    ("read.scoped", "GET", "/api/v1/reports/monitoring", ANY),
    ("read.scoped", "GET", "/api/v1/reports/charts/{file}", ANY),
    ("read.scoped", "GET", "/api/v1/reports/programme.html", ANY),
    # webhooks
    ("webhooks.manage", "POST", "/api/v1/webhooks", SUBSCRIBERS),
    ("webhooks.manage", "GET", "/api/v1/webhooks", SUBSCRIBERS),
    ("webhooks.manage", "GET", "/api/v1/webhooks/{id}", SUBSCRIBERS),
    ("webhooks.manage", "PATCH", "/api/v1/webhooks/{id}", SUBSCRIBERS),
    ("webhooks.manage", "DELETE", "/api/v1/webhooks/{id}", SUBSCRIBERS),
    ("webhooks.manage", "POST", "/api/v1/webhooks/{id}/disable", SUBSCRIBERS),
    ("webhooks.manage", "POST", "/api/v1/webhooks/{id}/enable", SUBSCRIBERS),
    ("webhooks.manage", "POST", "/api/v1/webhooks/{id}/rotate-secret", SUBSCRIBERS),
    ("webhooks.manage", "POST", "/api/v1/webhooks/{id}/test", SUBSCRIBERS),
    ("webhooks.manage", "GET", "/api/v1/webhooks/{id}/deliveries", SUBSCRIBERS),
    ("webhooks.manage", "GET", "/api/v1/webhooks/{id}/deliveries/{delivery_id}", SUBSCRIBERS),
    ("webhooks.manage", "POST", "/api/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver", SUBSCRIBERS),
    ("webhooks.manage", "POST", "/api/v1/webhooks/{id}/redeliver", SUBSCRIBERS),
    # events
    ("events.read", "GET", "/api/v1/events/{service}", FEED_READERS),
    ("read.public", "GET", "/api/v1/event-types", ANY),
    ("read.public", "GET", "/api/v1/problem-types", ANY),
    # audit trails, the gateway's own (API keys) among them
    ("audit.read", "GET", "/api/v1/audit/{service}", AUDIT_READERS),
]


@dataclass(frozen=True, slots=True)
class RouteClass:
    name: str
    roles: frozenset[Role]
    template: str  # the route it was found by


def template_pattern(template: str) -> re.Pattern[str]:
    literal_parts = re.split(r"\{[^}]+\}", template)
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in literal_parts) + "/?$")


_TABLE: dict[str, list[tuple[re.Pattern[str], RouteClass]]] = {}
for _name, _method, _template, _roles in ROUTE_CLASSES:
    _roles = _roles | {AUDITOR} if _method == "GET" else _roles - {AUDITOR}
    _TABLE.setdefault(_method, []).append((template_pattern(_template), RouteClass(_name, _roles, _template)))
    if _method == "GET":
        _TABLE.setdefault("HEAD", []).append((template_pattern(_template), RouteClass(_name, _roles, _template)))


def route_class(method: str, path: str) -> RouteClass | None:
    """The class of the route `method path` is, or None when the table does not name it (refused)."""
    for pattern, cls in _TABLE.get(method, ()):
        if pattern.match(path):
            return cls
    return None


def methods_at(path: str) -> list[str]:
    """The methods the table names for `path`, for a 405's `Allow` (as the services list them: a literal path
    before a template, no HEAD)."""
    literal = {method for _, method, template, _ in ROUTE_CLASSES if template == path.rstrip("/")}
    if literal:
        return sorted(literal)
    return sorted({method for _, method, template, _ in ROUTE_CLASSES if template_pattern(template).match(path)})
