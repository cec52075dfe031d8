"""A rotation signs with both secrets for its overlap, then with the new one only; test events and redelivery."""

from __future__ import annotations

import json
from datetime import datetime

from smartcity_dev.receivers import verify
from smartcity_dev.testing import eventually

from .conftest import identity


async def subscribe(client, url) -> dict:
    response = await client.post(
        "/api/v1/webhooks", json={"url": url, "event_types": ["*"]}, headers=identity("operator")
    )
    assert response.status_code == 201, response.text
    return response.json()


async def send_test_event(client, endpoint) -> dict:
    response = await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=identity("operator"))
    assert response.status_code == 202, response.text
    return response.json()


async def test_a_rotation_signs_twice_for_the_overlap_and_then_only_with_the_new_secret(live, receiver):
    r = receiver()
    endpoint = await subscribe(live, r.url)
    old = endpoint["secret"]
    path = f"/api/v1/webhooks/{endpoint['id']}"
    first = await send_test_event(live, endpoint)
    await eventually(lambda: len(r.received) == 1)
    assert verify(old, r.received[0].headers, r.received[0].body) == [True]
    assert r.received[0].headers["webhook-id"] == first["message_id"]
    body = json.loads(r.received[0].body)
    assert (body["type"], body["data"]) == (
        "webhook.test",
        {"endpoint_id": endpoint["id"], "requested_by": "operator:operator@test"},
    )

    rotated = await live.post(f"{path}/rotate-secret", json={"overlap_seconds": 2}, headers=identity("operator"))
    new = rotated.json()["secret"]
    await send_test_event(live, endpoint)
    await eventually(lambda: len(r.received) == 2)
    during = r.received[1]
    assert len(during.headers["webhook-signature"].split()) == 2
    assert verify(new, during.headers, during.body) == [True, False]  # the new secret's signature first
    assert verify(old, during.headers, during.body) == [False, True]

    async def old_expired():
        secrets = (await live.get(path, headers=identity("operator"))).json()["secrets"]
        return len(secrets) == 1

    await eventually(old_expired, what="the overlap to end")
    await send_test_event(live, endpoint)
    await eventually(lambda: len(r.received) == 3)
    after = r.received[2]
    assert verify(new, after.headers, after.body) == [True]
    assert verify(old, after.headers, after.body) == [False]


async def test_redelivery_of_one_and_of_everything_since_a_time(live, feeds, receiver):
    r = receiver()
    endpoint = await subscribe(live, r.url)
    ops = identity("operator")
    log = f"/api/v1/webhooks/{endpoint['id']}/deliveries"
    for i in range(3):
        feeds.add("participants", "participant.applied", {"region_code": "32.73", "n": i})

    async def delivered(n):
        items = (await live.get(log, headers=identity("operator"))).json()["items"]
        return items if len(items) == n and all(d["status"] == "delivered" for d in items) else None

    items = await eventually(lambda: delivered(3))
    assert r.ids() == ["evt_participants_1", "evt_participants_2", "evt_participants_3"]

    again = await live.post(f"{log}/{items[1]['id']}/redeliver", headers=ops)
    assert again.status_code == 202
    assert (again.json()["status"], again.json()["message_id"]) == ("pending", "evt_participants_2")
    await eventually(lambda: len(r.received) == 4)
    assert r.ids()[3] == "evt_participants_2"

    since = await live.post(
        f"/api/v1/webhooks/{endpoint['id']}/redeliver", json={"since": items[1]["created_at"]}, headers=ops
    )
    assert since.json() == {"redelivered": 2}
    await eventually(lambda: len(r.received) == 6)
    assert r.ids()[4:] == ["evt_participants_2", "evt_participants_3"]
    await eventually(lambda: delivered(3))
    detail = (await live.get(f"{log}/{items[1]['id']}", headers=ops)).json()
    assert (detail["attempts"], [a["status_code"] for a in detail["attempt_log"]]) == (3, [200, 200, 200])
    assert json.loads(detail["body"])["data"] == {"region_code": "32.73", "n": 1}
    assert (await live.get(log, params={"status": "pending"}, headers=ops)).json()["items"] == []


async def test_the_log_pages_and_refuses_what_is_not_its_own(client, session_factory):
    ops = identity("operator")
    created = await client.post(
        "/api/v1/webhooks", json={"url": "http://127.0.0.1:9/", "event_types": ["*"]}, headers=ops
    )
    endpoint = created.json()
    for _ in range(3):
        assert (await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=ops)).status_code == 202
    log = f"/api/v1/webhooks/{endpoint['id']}/deliveries"
    first = (await client.get(log, params={"limit": 2}, headers=ops)).json()
    second = (await client.get(log, params={"limit": 2, "cursor": first["next_cursor"]}, headers=ops)).json()
    assert [len(first["items"]), len(second["items"]), second["next_cursor"]] == [2, 1, None]
    ids = [d["id"] for d in first["items"] + second["items"]]
    assert ids == sorted(ids)
    assert all(d["status"] == "pending" and d["attempts"] == 0 for d in first["items"])
    assert datetime.fromisoformat(first["items"][0]["next_attempt_at"])
    stranger = identity("partner", subject="api-key:other")
    assert (await client.get(log, headers=stranger)).status_code == 404
    assert (await client.post(f"{log}/{ids[0]}/redeliver", headers=stranger)).status_code == 404
    assert (await client.get(f"{log}/999999", headers=ops)).status_code == 404
    assert (await client.get(log, params={"status": "lost"}, headers=ops)).status_code == 422
    assert (await client.get(log, params={"cursor": "!!"}, headers=ops)).status_code == 422
    bad_since = await client.post(
        f"/api/v1/webhooks/{endpoint['id']}/redeliver", json={"since": "yesterday"}, headers=ops
    )
    assert bad_since.status_code == 422
