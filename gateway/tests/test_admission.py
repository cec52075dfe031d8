"""Bounded concurrency per route and per service (503 after a short wait in line), uploads per caller (429)."""

from __future__ import annotations

import asyncio


async def test_a_hammered_route_queues_behind_itself_and_other_routes_pass(
    start_gateway, make_settings, bearer, upstream
):
    client = await start_gateway(make_settings(route_concurrency=2, queue_timeout=0.3))
    upstream.delay = 1.5
    ops = bearer("operator")
    hammer = [asyncio.ensure_future(client.get("/api/v1/documents?limit=200", headers=ops)) for _ in range(3)]
    await asyncio.sleep(0.1)
    cheap = await client.get("/api/v1/documents/d-1", headers=ops)  # another route: a place of its own
    assert cheap.status_code == 200
    statuses = sorted(r.status_code for r in await asyncio.gather(*hammer))
    assert statuses == [200, 200, 503]
    refused = next(r for r in [h.result() for h in hammer] if r.status_code == 503)
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["retry-after"] == "1"
    assert refused.json()["detail"] == "The documents service is busy with requests like this one; retry in a moment."
    assert len([r for r in upstream.seen if r.path == "/api/v1/documents"]) == 2


async def test_a_place_that_frees_in_time_is_taken(start_gateway, make_settings, bearer, upstream):
    client = await start_gateway(make_settings(route_concurrency=1, queue_timeout=10))
    upstream.delay = 0.3
    ops = bearer("operator")
    answers = await asyncio.gather(*(client.get("/api/v1/regions", headers=ops) for _ in range(3)))
    assert [r.status_code for r in answers] == [200, 200, 200]


async def test_a_service_is_bounded_across_its_routes(start_gateway, make_settings, bearer, upstream):
    client = await start_gateway(make_settings(route_concurrency=10, service_concurrency=2, queue_timeout=0.3))
    upstream.delay = 1.5
    ops = bearer("operator")
    paths = ("/api/v1/regions", "/api/v1/phases", "/api/v1/participants")  # three routes of participants
    busy = [asyncio.ensure_future(client.get(path, headers=ops)) for path in paths]
    await asyncio.sleep(0.1)
    assert (await client.get("/api/v1/tracks", headers=ops)).status_code == 200  # mentoring has its own bound
    assert sorted(r.status_code for r in await asyncio.gather(*busy)) == [200, 200, 503]


async def test_uploads_are_bounded_per_caller_and_not_by_the_route(start_gateway, make_settings, bearer, upstream):
    client = await start_gateway(make_settings(max_uploads_per_caller=2, route_concurrency=1, queue_timeout=0.1))
    upstream.delay = 1.5
    bandung = bearer("region", "32.73", subject="tim@bandung.go.id")

    def upload(headers: dict[str, str]):
        return client.post(
            "/api/v1/documents", files={"file": ("a.pdf", b"%PDF-1.7", "application/pdf")}, headers=headers
        )

    mine = [asyncio.ensure_future(upload(bandung)) for _ in range(3)]
    await asyncio.sleep(0.1)
    other = await upload(bearer("region", "35.78", subject="tim@surabaya.go.id"))  # another caller's own places
    assert other.status_code == 200
    answers = await asyncio.gather(*mine)
    assert sorted(r.status_code for r in answers) == [200, 200, 429]
    refused = next(r for r in answers if r.status_code == 429)
    assert refused.json()["detail"] == "At most 2 uploads at once per caller; wait for one to finish."
    assert refused.json()["code"] == "too-many-uploads"
    assert refused.headers["retry-after"] == "5"
    # the places are given back: the next upload goes through
    upstream.delay = 0
    assert (await upload(bandung)).status_code == 200


async def test_downloads_of_content_are_not_held_in_line(start_gateway, make_settings, bearer, upstream):
    client = await start_gateway(make_settings(route_concurrency=1, queue_timeout=0.1))
    upstream.delay = 0.5
    partner = bearer("partner")
    answers = await asyncio.gather(*(client.get("/api/v1/documents/d-1/content", headers=partner) for _ in range(3)))
    assert [r.status_code for r in answers] == [200, 200, 200]
