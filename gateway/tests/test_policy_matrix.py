"""Every role against every route of the contract: refused at the gateway (403) or passed on.

The expected table is the contract's "who" column copied as words, kept apart
from the gateway's own table so that a slip in either shows here. "operator"
also admits `admin`; "any" and "scoped" admit every role (scope is the
service's business). An `auditor` reads every route and writes none, whatever
the contract's column says.
"""

from __future__ import annotations

import jwt
import pytest
from gateway.policy import ROUTE_CLASSES, template_pattern
from smartcity_kit.identity import AUDIENCE

ROLES = ("admin", "operator", "mentor", "region", "partner", "auditor")
REGION = {"region": "32.73"}

# (method, a concrete path, the contract's "who")
CONTRACT = [
    ("POST", "/api/v1/regions/import", "admin, operator"),
    ("POST", "/api/v1/regions/statistics", "admin, operator"),
    ("GET", "/api/v1/regions", "any"),
    ("GET", "/api/v1/regions/32.73", "any"),
    ("POST", "/api/v1/phases", "operator"),
    ("GET", "/api/v1/phases", "any"),
    ("GET", "/api/v1/phases/2018-II", "any"),
    ("POST", "/api/v1/participants", "operator, region"),
    ("GET", "/api/v1/participants", "scoped"),
    ("GET", "/api/v1/participants/7d9c1f4e-0000-4000-8000-000000000001", "scoped"),
    ("PATCH", "/api/v1/participants/7d9c1f4e-0000-4000-8000-000000000001", "operator, region"),
    ("PUT", "/api/v1/participants/7d9c1f4e-0000-4000-8000-000000000001/assessment", "operator"),
    ("POST", "/api/v1/phases/2018-II/selection", "operator"),
    ("POST", "/api/v1/participants/7d9c1f4e-0000-4000-8000-000000000001/reject", "operator"),
    ("POST", "/api/v1/participants/7d9c1f4e-0000-4000-8000-000000000001/withdraw", "operator, region"),
    ("POST", "/api/v1/phases/2018-II/mou-signings", "operator"),
    ("GET", "/api/v1/participants/7d9c1f4e-0000-4000-8000-000000000001/history", "scoped"),
    ("GET", "/api/v1/curriculum", "any"),
    ("POST", "/api/v1/mentors", "operator"),
    ("GET", "/api/v1/mentors", "any"),
    ("GET", "/api/v1/tracks", "scoped"),
    ("GET", "/api/v1/tracks/5a0c-track", "scoped"),
    ("POST", "/api/v1/tracks/5a0c-track/mentors", "operator"),
    ("POST", "/api/v1/sessions", "operator"),
    ("GET", "/api/v1/sessions", "scoped"),
    ("PUT", "/api/v1/sessions/9e1-session/attendance", "operator, mentor"),
    ("POST", "/api/v1/tracks/5a0c-track/deliverables", "region, operator"),
    ("POST", "/api/v1/deliverables/77-deliverable/review", "mentor, operator"),
    ("POST", "/api/v1/tracks/5a0c-track/advance", "operator"),
    ("PUT", "/api/v1/tracks/5a0c-track/masterplan", "region, operator"),
    ("GET", "/api/v1/tracks/5a0c-track/masterplan", "scoped"),
    ("POST", "/api/v1/tracks/5a0c-track/masterplan/approve", "operator"),
    ("POST", "/api/v1/documents", "operator, region"),
    ("POST", "/api/v1/documents/d0c-1/versions", "operator, region"),
    ("GET", "/api/v1/documents", "scoped"),
    ("GET", "/api/v1/documents/d0c-1", "scoped"),
    ("GET", "/api/v1/documents/d0c-1/content", "scoped"),
    ("GET", "/api/v1/documents/d0c-1/versions/2/content", "scoped"),
    ("DELETE", "/api/v1/documents/d0c-1", "operator"),
    ("GET", "/api/v1/events/participants", "operator, partner, region"),
    ("GET", "/api/v1/events/mentoring", "operator, partner, region"),
    ("GET", "/api/v1/events/documents", "operator, partner, region"),
    # monitoring: an operator for the region where a region writes; verified by its mentor or an operator
    ("GET", "/api/v1/monitoring/indicators", "any"),
    ("GET", "/api/v1/monitoring/indicators/online_services_share", "any"),
    ("GET", "/api/v1/monitoring/portfolios", "scoped"),
    ("GET", "/api/v1/monitoring/portfolios/p-1", "scoped"),
    ("GET", "/api/v1/monitoring/initiatives/i-1", "scoped"),
    ("GET", "/api/v1/monitoring/initiatives/i-1/indicators", "scoped"),
    ("POST", "/api/v1/monitoring/initiatives/i-1/indicators", "region, operator"),
    ("GET", "/api/v1/monitoring/tracked-indicators/t-1", "scoped"),
    ("PUT", "/api/v1/monitoring/tracked-indicators/t-1/targets", "region, operator"),
    ("POST", "/api/v1/monitoring/periods", "operator"),
    ("GET", "/api/v1/monitoring/periods", "any"),
    ("GET", "/api/v1/monitoring/periods/2027-S1", "any"),
    ("POST", "/api/v1/monitoring/periods/2027-S1/lock", "operator"),
    ("GET", "/api/v1/monitoring/periods/2027-S1/reports", "scoped"),
    ("GET", "/api/v1/monitoring/periods/2027-S1/reports/32.73", "scoped"),
    ("PUT", "/api/v1/monitoring/periods/2027-S1/reports/32.73", "region, operator"),
    ("POST", "/api/v1/monitoring/periods/2027-S1/reports/32.73/submit", "region, operator"),
    ("POST", "/api/v1/monitoring/periods/2027-S1/reports/32.73/review", "mentor, operator"),
    ("POST", "/api/v1/monitoring/periods/2027-S1/reports/32.73/reopen", "operator"),
    ("GET", "/api/v1/monitoring/periods/2027-S1/reports/32.73/history", "scoped"),
    ("GET", "/api/v1/monitoring/periods/2027-S1/reports/32.73/template.xlsx", "region, operator"),
    ("POST", "/api/v1/monitoring/periods/2027-S1/reports/32.73/upload", "region, operator"),
    ("GET", "/api/v1/monitoring/periods/2027-S1/results", "scoped"),
    ("GET", "/api/v1/monitoring/periods/2027-S1/results/32.73", "scoped"),
    ("GET", "/api/v1/monitoring/official-indices", "any"),
    ("PUT", "/api/v1/monitoring/official-indices/fiscal_capacity/2026", "partner"),
    ("GET", "/api/v1/monitoring/official-indices/fiscal_capacity/2026", "any"),
    ("GET", "/api/v1/events/monitoring", "operator, partner, region"),
    ("GET", "/api/v1/reports/overview", "scoped"),
    ("GET", "/api/v1/reports/mentoring", "scoped"),
    ("GET", "/api/v1/reports/masterplans", "scoped"),
    ("GET", "/api/v1/reports/monitoring", "scoped"),
    ("GET", "/api/v1/reports/charts/funnel.svg", "scoped"),
    ("GET", "/api/v1/reports/programme.html", "scoped"),
    # webhooks: a partner registers its own system's endpoints, a region its region's; mentors none
    ("POST", "/api/v1/webhooks", "operator, region, partner"),
    ("GET", "/api/v1/webhooks", "operator, region, partner"),
    ("GET", "/api/v1/webhooks/w-1", "operator, region, partner"),
    ("PATCH", "/api/v1/webhooks/w-1", "operator, region, partner"),
    ("DELETE", "/api/v1/webhooks/w-1", "operator, region, partner"),
    ("POST", "/api/v1/webhooks/w-1/disable", "operator, region, partner"),
    ("POST", "/api/v1/webhooks/w-1/enable", "operator, region, partner"),
    ("POST", "/api/v1/webhooks/w-1/rotate-secret", "operator, region, partner"),
    ("POST", "/api/v1/webhooks/w-1/test", "operator, region, partner"),
    ("GET", "/api/v1/webhooks/w-1/deliveries", "operator, region, partner"),
    ("GET", "/api/v1/webhooks/w-1/deliveries/7", "operator, region, partner"),
    ("POST", "/api/v1/webhooks/w-1/deliveries/7/redeliver", "operator, region, partner"),
    ("POST", "/api/v1/webhooks/w-1/redeliver", "operator, region, partner"),
    # routes the services add beyond the contract's table: a stage's settings, unassigning a mentor
    ("GET", "/api/v1/curriculum/bimtek_1", "any"),
    ("PUT", "/api/v1/curriculum/bimtek_1", "operator"),
    ("DELETE", "/api/v1/tracks/5a0c-track/mentors/m-1", "operator"),
    # single-resource reads the contract implies (a list's item by id)
    ("GET", "/api/v1/mentors/m-1", "any"),
    ("GET", "/api/v1/sessions/9e1-session", "scoped"),
    ("GET", "/api/v1/tracks/5a0c-track/deliverables", "scoped"),
    ("GET", "/api/v1/deliverables/77-deliverable", "scoped"),
    # the audit trails (issue 16): who changed what, for admins and auditors
    ("GET", "/api/v1/audit/participants", "admin, auditor"),
    ("GET", "/api/v1/audit/mentoring", "admin, auditor"),
    ("GET", "/api/v1/audit/documents", "admin, auditor"),
    ("GET", "/api/v1/audit/monitoring", "admin, auditor"),
    ("GET", "/api/v1/audit/webhooks", "admin, auditor"),
]

# the gateway's own routes: answered by the gateway, so "passed on" means "not 403"
GATEWAY_OWN = [
    ("GET", "/api/v1/me", "any"),
    ("GET", "/api/v1/event-types", "any"),
    ("GET", "/api/v1/problem-types", "any"),
    ("POST", "/api/v1/api-keys", "admin, operator"),
    ("GET", "/api/v1/api-keys", "admin, operator"),
    ("DELETE", "/api/v1/api-keys/7d9c1f4e-0000-4000-8000-000000000001", "admin, operator"),
    ("GET", "/api/v1/audit/gateway", "admin, auditor"),
]


def roles_of(who: str, method: str) -> set[str]:
    roles: set[str] = set()
    for word in (w.strip() for w in who.split(",")):
        if word in ("any", "scoped"):
            roles.update(ROLES)
        elif word == "operator":
            roles.update({"admin", "operator"})
        else:
            roles.add(word)
    # the auditor: every read, no write
    return roles | {"auditor"} if method == "GET" else roles - {"auditor"}


def test_every_entry_of_the_gateways_table_has_a_case_here():
    cases = CONTRACT + GATEWAY_OWN
    for _, method, template, _ in ROUTE_CLASSES:
        pattern = template_pattern(template)
        if not any(m == method and pattern.match(p) for m, p, _ in cases):
            pytest.fail(f"no case for {method} {template}")


async def test_each_role_against_each_service_route(client, bearer, upstream, internal_secret):
    outcomes = {}
    for (method, path, who), role in ((case, role) for case in CONTRACT for role in ROLES):
        upstream.seen.clear()
        headers = bearer(role, REGION.get(role), subject=f"{role}@matrix")
        response = await client.request(method, path, headers=headers, json={} if method != "GET" else None)
        if role in roles_of(who, method):
            assert response.status_code == 200, (method, path, role, response.text)
            assert [(r.method, r.path) for r in upstream.seen] == [(method, path)]
            identity = jwt.decode(
                upstream.headers_of_last()["x-smartcity-identity"],
                internal_secret,
                algorithms=["HS256"],
                audience=AUDIENCE,
            )
            assert (identity["sub"], identity["role"]) == (f"{role}@matrix", role)
            outcomes[(method, path, role)] = "passed"
        else:
            assert response.status_code == 403, (method, path, role, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            assert upstream.seen == [], (method, path, role)
            outcomes[(method, path, role)] = "refused"
    assert len(outcomes) == len(CONTRACT) * len(ROLES)
    # spot figures that follow from the contract: partner is read-only but for publishing its ministry's official
    # index and managing its own webhooks, events are for operators, partners and regions (their own region's,
    # which the service narrows), mentors have no webhooks
    partner_writes = [(m, p) for (m, p, r), o in outcomes.items() if r == "partner" and m != "GET" and o == "passed"]
    assert [w for w in partner_writes if not w[1].startswith("/api/v1/webhooks")] == [
        ("PUT", "/api/v1/monitoring/official-indices/fiscal_capacity/2026")
    ]
    assert len(partner_writes) == 1 + 9
    assert not any(o == "passed" for (_, p, r), o in outcomes.items() if r == "mentor" and "webhooks" in p)
    assert [r for (m, p, r), o in outcomes.items() if p == "/api/v1/events/mentoring" and o == "passed"] == [
        "admin",
        "operator",
        "region",
        "partner",
        "auditor",
    ]
    auditor = {(m, p): o for (m, p, r), o in outcomes.items() if r == "auditor"}
    assert {o for (m, _), o in auditor.items() if m == "GET"} == {"passed"}
    assert {o for (m, _), o in auditor.items() if m != "GET"} == {"refused"}


async def test_each_role_against_the_gateways_own_routes(client, bearer):
    for (method, path, who), role in ((case, role) for case in GATEWAY_OWN for role in ROLES):
        headers = bearer(role, REGION.get(role))
        response = await client.request(method, path, headers=headers, json={} if method == "POST" else None)
        if role in roles_of(who, method):
            assert response.status_code != 403, (method, path, role, response.text)
            assert response.status_code in (200, 404, 422), (method, path, role, response.text)
        else:
            assert response.status_code == 403, (method, path, role, response.text)


async def test_a_route_the_table_does_not_name_is_refused_whatever_the_role(client, bearer, upstream):
    # deny unless listed: a path no line of the table names is a 404, even for an admin, and reaches no service
    for role in ROLES:
        for method in ("GET", "POST", "DELETE"):
            response = await client.request(method, "/api/v1/tracks/x/unlisted", headers=bearer(role, REGION.get(role)))
            assert (response.status_code, response.headers["content-type"]) == (404, "application/problem+json")
    # a listed path with a method the table does not give it: 405 naming the methods it does
    response = await client.put("/api/v1/regions", headers=bearer("admin"), json={})
    assert (response.status_code, response.headers["allow"]) == (405, "GET")
    response = await client.options("/api/v1/tracks/x/deliverables", headers=bearer("operator"))
    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")
    # a literal path before a template: /regions/import is not /regions/{code}
    response = await client.delete("/api/v1/regions/import", headers=bearer("operator"))
    assert (response.status_code, response.headers["allow"]) == (405, "POST")
    assert upstream.seen == []


async def test_a_trailing_slash_does_not_slip_past_the_table(client, bearer, upstream):
    response = await client.post("/api/v1/phases/", headers=bearer("mentor"), json={})
    assert response.status_code == 403
    assert upstream.seen == []


async def test_dot_segments_and_encoded_slashes_cannot_walk_past_the_table(client, bearer, upstream, raw_asgi):
    app = client._transport.app
    headers = {**bearer("mentor"), "content-type": "application/json", "content-length": "2"}
    for path in (
        "/api/v1/regions/../phases",
        "/api/v1/regions/%2e%2e/phases",
        "/api/v1/regions/%2E%2E/phases",
        "/api/v1/regions/./import",
        "/api/v1/regions//import",
        "/api/v1/regions%2Fimport",
        "/api/v1/tracks/x/..",
    ):
        assert (await raw_asgi(app, "POST", path, headers))[0]["status"] == 404, path
    assert upstream.seen == []
    # the same request on a plain path is refused by the table, as it should be
    assert (await raw_asgi(app, "POST", "/api/v1/phases", headers))[0]["status"] == 403
