"""From a feed event to a receiver: signatures, scope, order, retries, disabling, and what is never followed."""

from __future__ import annotations

import json
import threading
from datetime import datetime

import sqlalchemy as sa
from smartcity_dev.receivers import Answer, verify
from smartcity_dev.testing import eventually

from .conftest import identity


async def subscribe(client, url, event_types=("*",), role="operator", region=None, subject=None, **more):
    body = {"url": url, "event_types": list(event_types), **more}
    response = await client.post("/api/v1/webhooks", json=body, headers=identity(role, region, subject))
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(client, endpoint, headers=None):
    headers = headers or identity("operator")
    response = await client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries?limit=200", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def test_a_feed_event_arrives_signed_with_the_standard_webhooks_headers(live, feeds, receiver):
    r = receiver()
    endpoint = await subscribe(live, r.url, ["participant.*"], role="partner", subject="api-key:1")
    applied = feeds.add("participants", "participant.applied", {"participant_id": "p1", "region_code": "32.73"})
    feeds.add("mentoring", "mentor.created", {"mentor_id": "m1"})
    changed = feeds.add("participants", "participant.status_changed", {"region_code": "32.73", "to": "assessed"})
    await eventually(lambda: len(r.received) >= 2, what="two deliveries")

    assert [x.headers["webhook-id"] for x in r.received] == ["evt_participants_1", "evt_participants_2"]
    for got, event in zip(r.received, (applied, changed), strict=True):
        assert got.path == "/hooks"
        assert got.headers["content-type"] == "application/json"
        assert verify(endpoint["secret"], got.headers, got.body) == [True]
        assert json.loads(got.body) == {
            "type": event["type"],
            "timestamp": datetime.fromisoformat(event["occurred_at"]).isoformat(),
            "data": event["data"],
        }
        assert abs(int(got.headers["webhook-timestamp"]) - datetime.now().timestamp()) < 3600
    log = await eventually(lambda: _all_delivered(live, endpoint, 2), what="the log to say delivered")
    assert [(d["message_id"], d["event_type"], d["attempts"], d["last_status_code"]) for d in log] == [
        ("evt_participants_1", "participant.applied", 1, 200),
        ("evt_participants_2", "participant.status_changed", 1, 200),
    ]
    assert r.ids() == ["evt_participants_1", "evt_participants_2"]


async def test_a_commit_that_makes_deliveries_wakes_the_dispatcher(start, feeds, receiver):
    # the dispatcher would look on its own only after an hour: what arrives was woken by NOTIFY at the commit
    client = await start(dispatch_interval=3600)
    r = receiver()
    endpoint = await subscribe(client, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})
    await eventually(lambda: len(r.received) == 1, what="the fanned-out event")
    response = await client.post(f"/api/v1/webhooks/{endpoint['id']}/test", headers=identity("operator"))
    assert response.status_code == 202, response.text
    await eventually(lambda: len(r.received) == 2, what="the test event")
    assert r.ids()[0] == "evt_participants_1" and r.ids()[1].startswith("evt_test_")
    await eventually(lambda: _all_delivered(client, endpoint, 2), what="both recorded as delivered")


async def _all_delivered(client, endpoint, n):
    items = await deliveries(client, endpoint)
    return items if len(items) == n and all(d["status"] == "delivered" for d in items) else None


async def test_a_regions_endpoint_gets_only_its_regions_events(live, feeds, receiver):
    region_r, partner_r = receiver(), receiver()
    region_endpoint = await subscribe(live, region_r.url, ["*"], role="region", region="32.73")
    partner_endpoint = await subscribe(live, partner_r.url, ["*"], role="partner", subject="api-key:9")
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})
    feeds.add("participants", "participant.applied", {"region_code": "31.71"})
    feeds.add("mentoring", "mentor.created", {"mentor_id": "m1"})
    feeds.add("mentoring", "track.opened", {"region_code": "32.73"})
    await eventually(lambda: len(partner_r.received) == 4, what="the partner's four")
    await eventually(lambda: len(region_r.received) == 2, what="the region's two")
    assert sorted(region_r.ids()) == ["evt_mentoring_2", "evt_participants_1"]
    assert sorted(partner_r.ids()) == sorted(
        ["evt_participants_1", "evt_participants_2", "evt_mentoring_1", "evt_mentoring_2"]
    )
    assert len(await deliveries(live, partner_endpoint)) == 4
    assert len(await deliveries(live, region_endpoint)) == 2


async def test_failures_are_retried_with_backoff_and_the_same_id(live, feeds, receiver, settings):
    r = receiver(lambda n, req: Answer(status=500 if n < 2 else 204))
    endpoint = await subscribe(live, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})
    await eventually(lambda: len(r.received) == 3, what="three attempts")
    assert r.ids() == ["evt_participants_1"] * 3
    (delivery,) = await eventually(lambda: _all_delivered(live, endpoint, 1))
    detail = (
        await live.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['id']}", headers=identity("operator"))
    ).json()
    assert [a["status_code"] for a in detail["attempt_log"]] == [500, 500, 204]
    assert detail["attempts"] == 3
    times = [datetime.fromisoformat(a["attempted_at"]) for a in detail["attempt_log"]]
    schedule = settings.schedule()
    for i in range(2):  # never before the step, less its jitter
        assert (times[i + 1] - times[i]).total_seconds() >= schedule[i] * (1 - settings.retry_jitter)
    assert (await live.get(f"/api/v1/webhooks/{endpoint['id']}", headers=identity("operator"))).json()[
        "failing_since"
    ] is None


async def test_a_delivery_fails_once_the_schedule_is_used_up(live, feeds, receiver, settings):
    r = receiver(lambda n, req: Answer(status=500, body=b"broken"))
    endpoint = await subscribe(live, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})

    async def failed():
        items = await deliveries(live, endpoint)
        return items if items and items[0]["status"] == "failed" else None

    (delivery,) = await eventually(failed, what="the delivery to fail")
    assert delivery["attempts"] == len(settings.schedule()) + 1 == len(r.received)
    assert (delivery["last_status_code"], delivery["next_attempt_at"]) == (500, None)
    read = (await live.get(f"/api/v1/webhooks/{endpoint['id']}", headers=identity("operator"))).json()
    assert read["status"] == "active" and read["failing_since"] is not None
    detail = (
        await live.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['id']}", headers=identity("operator"))
    ).json()
    assert {a["response_body"] for a in detail["attempt_log"]} == {"broken"}


async def test_retry_after_on_429_is_honoured(live, feeds, receiver):
    r = receiver(lambda n, req: Answer(status=429, headers={"Retry-After": "2"}) if n == 0 else Answer())
    endpoint = await subscribe(live, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})
    (delivery,) = await eventually(lambda: _all_delivered(live, endpoint, 1))
    detail = (
        await live.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['id']}", headers=identity("operator"))
    ).json()
    first, second = (datetime.fromisoformat(a["attempted_at"]) for a in detail["attempt_log"])
    assert (second - first).total_seconds() >= 2  # not the schedule's 0.2 s


async def test_410_disables_the_endpoint_at_once(live, feeds, receiver):
    r = receiver(lambda n, req: Answer(status=410))
    endpoint = await subscribe(live, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})
    feeds.add("participants", "participant.applied", {"region_code": "32.74"})

    async def disabled():
        body = (await live.get(f"/api/v1/webhooks/{endpoint['id']}", headers=identity("operator"))).json()
        return body if body["status"] == "disabled" else None

    body = await eventually(disabled, what="the endpoint to be disabled")
    assert body["disabled_reason"] == "The receiver answered 410 Gone."
    assert r.ids() == ["evt_participants_1"]
    assert [d["status"] for d in await deliveries(live, endpoint)] == ["pending", "pending"]
    # enabled again, what waited goes out
    r.answer = lambda n, req: Answer()
    assert (
        await live.post(f"/api/v1/webhooks/{endpoint['id']}/enable", headers=identity("operator"))
    ).status_code == 200
    await eventually(lambda: _all_delivered(live, endpoint, 2))
    assert r.ids() == ["evt_participants_1", "evt_participants_1", "evt_participants_2"]


async def test_an_endpoint_failing_for_the_disable_period_is_disabled_and_says_since_when(start, feeds, receiver):
    client = await start(disable_after=1.0, retry_schedule="0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3")
    r = receiver(lambda n, req: Answer(status=503))
    endpoint = await subscribe(client, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})

    async def disabled():
        body = (await client.get(f"/api/v1/webhooks/{endpoint['id']}", headers=identity("operator"))).json()
        return body if body["status"] == "disabled" else None

    body = await eventually(disabled)
    assert body["disabled_reason"].startswith(f"Every delivery has failed since {body['failing_since'][:19]}")
    assert body["disabled_reason"].endswith("the last: HTTP 503.")
    sent = len(r.received)
    assert sent >= 2
    # disabled: nothing more goes out, and new events are not queued for it
    feeds.add("participants", "participant.applied", {"region_code": "32.74"})
    await eventually(lambda: feeds_read(client))
    assert len(r.received) == sent
    assert len(await deliveries(client, endpoint)) == 1


async def feeds_read(client) -> bool:
    app = client._transport.app
    async with app.state.sessionmaker() as s:
        cursor = (
            await s.execute(sa.text("SELECT cursor FROM webhooks.consumer_cursors WHERE feed = 'participants'"))
        ).scalar()
    return cursor == "2"


async def test_events_reach_an_ordered_endpoint_in_feed_order_despite_retries(live, feeds, receiver):
    r = receiver(lambda n, req: Answer(status=500 if n < 2 else 200))
    endpoint = await subscribe(live, r.url, ["participant.*"])
    for i in range(5):
        feeds.add("participants", "participant.applied", {"region_code": "32.73", "n": i})
    await eventually(lambda: _all_delivered(live, endpoint, 5))
    expected = [f"evt_participants_{i}" for i in range(1, 6)]
    assert r.ids() == [expected[0]] * 3 + expected[1:]


async def test_an_unordered_endpoint_gets_every_event(live, feeds, receiver):
    r = receiver(lambda n, req: Answer(status=500 if n == 0 else 200))
    endpoint = await subscribe(live, r.url, ["participant.*"], ordered=False)
    for i in range(5):
        feeds.add("participants", "participant.applied", {"region_code": "32.73", "n": i})
    await eventually(lambda: _all_delivered(live, endpoint, 5))
    assert sorted(set(r.ids())) == sorted(f"evt_participants_{i}" for i in range(1, 6))
    assert len(r.received) == 6


async def test_a_stuck_endpoint_does_not_hold_up_another(live, feeds, receiver):
    release = threading.Event()
    stuck = receiver(lambda n, req: (release.wait(30), Answer())[1])
    quick = receiver()
    stuck_endpoint = await subscribe(live, stuck.url)
    await subscribe(live, quick.url)
    for i in range(5):
        feeds.add("participants", "participant.applied", {"region_code": "32.73", "n": i})
    await eventually(lambda: len(quick.received) == 5, what="the quick receiver's five")
    assert len(stuck.received) == 1  # still waiting on its first answer
    release.set()
    await eventually(lambda: _all_delivered(live, stuck_endpoint, 5))
    assert stuck.ids() == quick.ids()


async def test_an_address_refused_at_delivery_time_is_never_connected_to(start, feeds, receiver, settings):
    registrar = await start(consume_feeds=False, deliver=False)
    r = receiver()
    endpoint = await subscribe(registrar, r.url)
    # a dispatcher without the allow-list: the name now resolves somewhere it may not go
    closed = await start(allowed_networks="")
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})

    async def attempted():
        items = await deliveries(closed, endpoint)
        return items if items and items[0]["attempts"] >= 1 else None

    (delivery,) = await eventually(attempted)
    assert delivery["last_status_code"] is None
    assert delivery["last_error"].startswith("Refused: The host '127.0.0.1' resolves to 127.0.0.1")
    assert r.received == []


async def test_redirects_are_not_followed(live, feeds, receiver):
    elsewhere = receiver()
    r = receiver(lambda n, req: Answer(status=307, headers={"Location": elsewhere.url}))
    endpoint = await subscribe(live, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})

    async def attempted():
        items = await deliveries(live, endpoint)
        return items if items and items[0]["attempts"] >= 1 else None

    (delivery,) = await eventually(attempted)
    assert (delivery["status"], delivery["last_status_code"]) == ("pending", 307)
    assert elsewhere.received == []


async def test_an_endless_answer_is_read_up_to_64_kib_only(live, feeds, receiver):
    r = receiver(lambda n, req: Answer(endless=True))
    endpoint = await subscribe(live, r.url)
    feeds.add("participants", "participant.applied", {"region_code": "32.73"})
    (delivery,) = await eventually(lambda: _all_delivered(live, endpoint, 1))
    detail = (
        await live.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/{delivery['id']}", headers=identity("operator"))
    ).json()
    (attempt,) = detail["attempt_log"]
    assert attempt["status_code"] == 200 and attempt["error"] is None
    assert attempt["response_body"] == "x" * 2048
