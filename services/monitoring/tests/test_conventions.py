"""The platform's conventions on this service: problem+json, cursor paging, Idempotency-Key, identity, roles."""

from __future__ import annotations

from datetime import date, timedelta


async def test_a_repeated_post_with_its_idempotency_key_opens_one_period(client, as_role, events_of):
    today = date.today()
    body = {
        "code": "2026-S2",
        "starts_on": "2026-07-01",
        "ends_on": "2026-12-31",
        "due_on": (today + timedelta(days=10)).isoformat(),
        "locks_on": (today + timedelta(days=20)).isoformat(),
    }
    headers = {**as_role("operator"), "Idempotency-Key": "open-2026-S2"}
    first = await client.post("/api/v1/monitoring/periods", json=body, headers=headers)
    again = await client.post("/api/v1/monitoring/periods", json=body, headers=headers)
    assert (first.status_code, again.status_code, again.json()) == (201, 201, first.json())
    other = await client.post("/api/v1/monitoring/periods", json={**body, "code": "2026-S1"}, headers=headers)
    assert (other.status_code, other.headers["content-type"]) == (422, "application/problem+json")
    assert [t for t, _ in await events_of("period.")] == ["period.opened"]
    twice = await client.post("/api/v1/monitoring/periods", json=body, headers=as_role("operator", language="id"))
    assert (twice.status_code, twice.json()["code"], twice.json()["detail"]) == (
        409,
        "period-exists",
        "Periode 2026-S2 sudah ada.",
    )


async def test_period_dates_and_codes_are_checked(client, as_role):
    base = {
        "code": "2026-S1",
        "starts_on": "2026-01-01",
        "ends_on": "2026-06-30",
        "due_on": "2026-07-15",
        "locks_on": "2026-08-15",
    }
    for change in (
        {"code": "2026-H1"},
        {"starts_on": "2025-12-01"},
        {"due_on": "2026-09-01"},
        {"ends_on": "2025-12-31"},
        {"due_on": 1785000000},
        {"colour": "red"},
    ):
        response = await client.post("/api/v1/monitoring/periods", json={**base, **change}, headers=as_role("operator"))
        assert (response.status_code, response.headers["content-type"]) == (422, "application/problem+json"), change
    assert (
        await client.post("/api/v1/monitoring/periods", json=base, headers=as_role("region", "32.73"))
    ).status_code == 403
    assert (await client.get("/api/v1/monitoring/periods/2026-S1", headers=as_role("partner"))).status_code == 404


async def test_lists_page_by_cursor_without_repeats(client, as_role, make_portfolio):
    codes = ["11.71", "32.04", "32.73", "35.78", "51.71"]
    for code in codes:
        await make_portfolio(code)
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/v1/monitoring/portfolios", params=params, headers=as_role("partner"))).json()
        seen += [p["region_code"] for p in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == codes
    own = await client.get("/api/v1/monitoring/portfolios", headers=as_role("region", "32.73"))
    assert [p["region_code"] for p in own.json()["items"]] == ["32.73"]
    assert (
        await client.get("/api/v1/monitoring/portfolios", params={"cursor": "x"}, headers=as_role("partner"))
    ).status_code == 422
    assert (
        await client.get("/api/v1/monitoring/portfolios", params={"limit": 0}, headers=as_role("partner"))
    ).status_code == 422


async def test_identity_roles_and_unknown_routes_are_problems(client, as_role):
    assert (await client.get("/api/v1/monitoring/indicators")).status_code == 401
    missing = await client.get("/api/v1/monitoring/nothing", headers=as_role("partner"))
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")
    wrong = await client.delete("/api/v1/monitoring/periods", headers=as_role("operator"))
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, "application/problem+json")
    assert (await client.get("/api/v1/events/monitoring", headers=as_role("partner"))).status_code == 200
    assert (await client.get("/healthz")).status_code == 200
