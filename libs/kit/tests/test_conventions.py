"""The contract's conventions, as the kit implements them once for every service."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import sqlalchemy as sa
from smartcity_kit.generic_problems import INVALID_CURSOR
from smartcity_kit.identity import Caller, sign_identity
from smartcity_kit.outbox import FeedConsumer
from smartcity_kit.pagination import decode_cursor, encode_cursor
from smartcity_kit.problems import AppError
from sqlalchemy.ext.asyncio import AsyncEngine

from .conftest import SECRET


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(sa.text(f"SELECT count(*) FROM kit_test.{table}"))).scalar_one()


async def test_problem_details_for_validation_and_unknown_fields(kit_client, as_role):
    response = await kit_client.post(
        "/api/v1/notes", json={"text": "a", "colour": "red", "author_email": "nope"}, headers=as_role("operator")
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"], body["title"]) == (422, "validation-failed", "Request not valid")
    assert sorted(e["field"] for e in body["errors"]) == ["author_email", "colour"]
    assert {e["field"]: (e["code"], e["message"]) for e in body["errors"]}["colour"] == (
        "extra_forbidden",
        "Unknown field.",
    )


async def test_unknown_route_and_method_are_problems(kit_client, as_role):
    missing = await kit_client.get("/api/v1/nothing-here", headers=as_role("partner"))
    assert (missing.status_code, missing.headers["content-type"]) == (404, "application/problem+json")
    wrong = await kit_client.delete("/api/v1/notes", headers=as_role("operator"))
    assert (wrong.status_code, wrong.headers["content-type"]) == (405, "application/problem+json")
    assert (missing.json()["code"], wrong.json()["code"]) == ("not-found", "method-not-allowed")


async def test_a_trailing_slash_is_not_redirected(kit_client, as_role):
    response = await kit_client.get("/api/v1/notes/", headers={**as_role("partner"), "host": "evil.example"})
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "location" not in response.headers


async def test_identity_is_required_and_roles_are_checked(kit_client, as_role):
    assert (await kit_client.get("/api/v1/notes")).status_code == 401
    forged = await kit_client.get("/api/v1/notes", headers={"x-smartcity-identity": "e30.e30.forged"})
    assert forged.status_code == 401
    assert (await kit_client.post("/api/v1/notes", json={"text": "x"}, headers=as_role("partner"))).status_code == 403
    assert (await kit_client.get("/healthz")).status_code == 200


async def test_request_id_is_taken_or_made(kit_client, as_role):
    given = await kit_client.get("/api/v1/notes", headers={**as_role("partner"), "x-request-id": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    made = await kit_client.get("/api/v1/notes", headers=as_role("partner"))
    assert len(made.headers["x-request-id"]) == 32


async def test_cursor_pages_stay_valid_while_rows_are_added(kit_client, as_role):
    for i in range(5):
        await kit_client.post("/api/v1/notes", json={"text": f"n{i}"}, headers=as_role("operator"))
    first = (await kit_client.get("/api/v1/notes", params={"limit": 2}, headers=as_role("partner"))).json()
    assert [n["id"] for n in first["items"]] == [1, 2]
    await kit_client.post("/api/v1/notes", json={"text": "late"}, headers=as_role("operator"))
    rest, cursor = [], first["next_cursor"]
    while cursor:
        page = (
            await kit_client.get("/api/v1/notes", params={"limit": 2, "cursor": cursor}, headers=as_role("partner"))
        ).json()
        rest += [n["id"] for n in page["items"]]
        cursor = page["next_cursor"]
    assert rest == [3, 4, 5, 6]
    bad = await kit_client.get(
        "/api/v1/notes", params={"cursor": encode_cursor(["x", "y"])}, headers=as_role("partner")
    )
    assert bad.status_code == 422


def test_cursor_roundtrip_and_garbage():
    assert decode_cursor(encode_cursor([3, "a"]), 2) == [3, "a"]
    for garbage in ("", "!!!", encode_cursor([1])):
        with pytest.raises(AppError) as refused:
            decode_cursor(garbage, 2)
        assert refused.value.problem is INVALID_CURSOR


async def test_if_match_is_required_and_must_be_current(kit_client, as_role):
    await kit_client.post("/api/v1/notes", json={"text": "v1"}, headers=as_role("operator"))
    got = await kit_client.get("/api/v1/notes/1", headers=as_role("operator"))
    etag = got.headers["etag"]
    no_header = await kit_client.patch("/api/v1/notes/1", json={"text": "v2"}, headers=as_role("operator"))
    assert no_header.status_code == 428
    assert no_header.json()["code"] == "precondition-required"
    ok = await kit_client.patch(
        "/api/v1/notes/1", json={"text": "v2"}, headers={**as_role("operator"), "if-match": etag}
    )
    assert ok.status_code == 200
    assert ok.headers["etag"] != etag
    stale = await kit_client.patch(
        "/api/v1/notes/1", json={"text": "v3"}, headers={**as_role("operator"), "if-match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["code"] == "precondition-failed"
    assert (await kit_client.get("/api/v1/notes/1", headers=as_role("operator"))).json()["text"] == "v2"


async def test_if_match_compares_strongly_so_a_weak_etag_is_412(kit_client, as_role):
    await kit_client.post("/api/v1/notes", json={"text": "v1"}, headers=as_role("operator"))
    etag = (await kit_client.get("/api/v1/notes/1", headers=as_role("operator"))).headers["etag"]
    for header in (f"W/{etag}", f'"other", W/{etag}'):
        weak = await kit_client.patch(
            "/api/v1/notes/1", json={"text": "v2"}, headers={**as_role("operator"), "if-match": header}
        )
        assert weak.status_code == 412, header
    listed = await kit_client.patch(
        "/api/v1/notes/1", json={"text": "v2"}, headers={**as_role("operator"), "if-match": f'"other", {etag}'}
    )
    assert listed.status_code == 200


async def test_an_idempotency_key_belongs_to_the_whole_identity(kit_client, kit_engine):
    def signed(**identity: str | None) -> dict[str, str]:
        caller = Caller(**{"subject": "tim@kota.go.id", "role": "operator", **identity})  # type: ignore[arg-type]
        return {"x-smartcity-identity": sign_identity(caller, SECRET), "idempotency-key": "upload-1"}

    first = await kit_client.post("/api/v1/notes", json={"text": "mine"}, headers=signed(region_code="63.71"))
    assert first.status_code == 201
    # the same subject from another region, or signed in another way, is another caller: no replay of the first
    for other in (signed(region_code="64.71"), signed(region_code=None), signed(region_code="63.71", auth="api_key")):
        again = await kit_client.post("/api/v1/notes", json={"text": "mine"}, headers=other)
        assert again.status_code == 201
        assert "idempotent-replayed" not in again.headers
        assert again.json()["id"] != first.json()["id"]
    replay = await kit_client.post("/api/v1/notes", json={"text": "mine"}, headers=signed(region_code="63.71"))
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.json() == first.json()
    assert await count(kit_engine, "notes") == 4


async def test_idempotency_replays_refuses_other_bodies_and_is_per_caller(kit_client, as_role, kit_engine):
    headers = {**as_role("operator", subject="ana"), "idempotency-key": "k-1"}
    first = await kit_client.post("/api/v1/notes", json={"text": "once"}, headers=headers)
    again = await kit_client.post("/api/v1/notes", json={"text": "once"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert await count(kit_engine, "notes") == 1
    other_body = await kit_client.post("/api/v1/notes", json={"text": "twice"}, headers=headers)
    assert other_body.status_code == 422
    assert other_body.json()["errors"][0]["field"] == "Idempotency-Key"
    # another caller's identical key is another request
    other_caller = await kit_client.post(
        "/api/v1/notes",
        json={"text": "once"},
        headers={**as_role("operator", subject="budi"), "idempotency-key": "k-1"},
    )
    assert other_caller.status_code == 201
    assert await count(kit_engine, "notes") == 2
    too_long = await kit_client.post(
        "/api/v1/notes", json={"text": "x"}, headers={**as_role("operator"), "idempotency-key": "k" * 256}
    )
    assert too_long.status_code == 422


async def test_idempotency_conflict_while_in_flight_and_release_after_5xx(kit_client, as_role, kit_engine):
    async with kit_engine.begin() as conn:  # a first request still running
        await conn.execute(
            sa.text(
                "INSERT INTO kit_test.idempotency_keys (caller, key, method, path) "
                "VALUES (:caller, 'busy', 'POST', '/api/v1/notes')"
            ),
            {"caller": Caller(subject="ana", role="operator").owner},
        )
    busy = await kit_client.post(
        "/api/v1/notes", json={"text": "x"}, headers={**as_role("operator", subject="ana"), "idempotency-key": "busy"}
    )
    assert busy.status_code == 409
    assert busy.json()["code"] == "idempotency-key-in-use"
    assert await count(kit_engine, "notes") == 0
    headers = {**as_role("operator", subject="ana"), "idempotency-key": "crash"}
    failed = await kit_client.post("/api/v1/notes", json={"text": "fail-after-write"}, headers=headers)
    assert failed.status_code == 500
    assert failed.json()["code"] == "internal-error"
    assert failed.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in failed.text
    # the rolled-back change left no row and no event, and the key is free again
    assert (await count(kit_engine, "notes"), await count(kit_engine, "events")) == (0, 0)
    assert await count(kit_engine, "idempotency_keys") == 1  # only 'busy'


async def test_the_feed_never_skips_an_event_that_commits_late(kit_client, as_role, kit_engine):
    await kit_client.post("/api/v1/notes", json={"text": "a"}, headers=as_role("operator"))
    await all_visible(kit_client, as_role, 1)
    # a transaction that writes an event and stays open ...
    slow = await kit_engine.connect()
    slow_tx = await slow.begin()
    await slow.execute(sa.text("INSERT INTO kit_test.events (type, subject, data) VALUES ('note.slow', 's', '{}')"))
    # ... while a later one commits
    await kit_client.post("/api/v1/notes", json={"text": "b"}, headers=as_role("operator"))
    page = (await kit_client.get("/api/v1/events/kit", headers=as_role("partner"))).json()
    assert [e["type"] for e in page["items"]] == ["note.created"]  # the later one waits behind the open one
    await slow_tx.commit()
    await slow.close()
    for _ in range(600):  # once no older transaction of the cluster is running
        rest = (
            await kit_client.get(
                "/api/v1/events/kit", params={"after": page["next_cursor"]}, headers=as_role("partner")
            )
        ).json()
        if len(rest["items"]) >= 2:
            break
        await asyncio.sleep(0.05)
    assert [e["type"] for e in rest["items"]] == ["note.slow", "note.created"]
    empty = (
        await kit_client.get("/api/v1/events/kit", params={"after": rest["next_cursor"]}, headers=as_role("partner"))
    ).json()
    assert (empty["items"], empty["next_cursor"]) == ([], rest["next_cursor"])
    assert (await kit_client.get("/api/v1/events/kit", headers=as_role("mentor"))).status_code == 403
    assert (await kit_client.get("/api/v1/events/other", headers=as_role("partner"))).status_code == 422


async def test_a_region_reads_only_the_events_of_its_own_region(kit_client, as_role, kit_engine):
    async with kit_engine.begin() as conn:
        for n, region in enumerate(["32.73", "32.04", None, "32.73"]):
            data = {"n": n} if region is None else {"n": n, "region_code": region}
            await conn.execute(
                sa.text(
                    "INSERT INTO kit_test.events (type, subject, data) VALUES ('note.placed', :s, CAST(:d AS jsonb))"
                ),
                {"s": f"notes/{n}", "d": json.dumps(data)},
            )
    await all_visible(kit_client, as_role, 4)
    bandung = as_role("region", region_code="32.73")
    first = await kit_client.get("/api/v1/events/kit", params={"limit": 1}, headers=bandung)
    assert first.status_code == 200
    assert [e["data"] for e in first.json()["items"]] == [{"n": 0, "region_code": "32.73"}]
    assert first.headers["x-feed-behind"] == "1"  # what is left is counted in its scope too
    rest = await kit_client.get("/api/v1/events/kit", params={"after": first.json()["next_cursor"]}, headers=bandung)
    assert [e["data"] for e in rest.json()["items"]] == [{"n": 3, "region_code": "32.73"}]
    assert rest.headers["x-feed-behind"] == "0"
    everything = await kit_client.get("/api/v1/events/kit", headers=as_role("partner"))
    assert [e["data"]["n"] for e in everything.json()["items"]] == [0, 1, 2, 3]
    nowhere = await kit_client.get("/api/v1/events/kit", headers=as_role("region"))  # a region caller without a code
    assert nowhere.json()["items"] == []


async def all_visible(kit_client, as_role, n: int) -> None:
    """Until the feed shows `n` events: a transaction of another database of the cluster may hide them a moment
    (visibility follows the oldest running transaction of the whole cluster, which test sessions share)."""
    for _ in range(600):
        page = (await kit_client.get("/api/v1/events/kit", params={"limit": 500}, headers=as_role("partner"))).json()
        if len(page["items"]) >= n:
            return
        await asyncio.sleep(0.05)
    raise TimeoutError(f"the feed never showed {n} events")


async def test_feed_consumer_applies_each_event_once_across_replicas_and_crashes(
    kit_app, kit_client, as_role, kit_cursors
):
    for i in range(7):
        await kit_client.post("/api/v1/notes", json={"text": f"n{i}"}, headers=as_role("operator"))
    await all_visible(kit_client, as_role, 7)
    applied: list[int] = []
    budget = {"events": 3}

    async def handler(session, event) -> None:
        if budget["events"] == 0:
            raise RuntimeError("crash mid-batch")
        budget["events"] -= 1
        applied.append(event.data["id"])

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=kit_app), base_url="http://kit") as client:

        def consumer() -> FeedConsumer:
            return FeedConsumer(
                feed="kit",
                url="http://kit/api/v1/events/kit",
                handler=handler,
                sessionmaker=kit_app.state.sessionmaker,
                cursors=kit_cursors,
                client=client,
                secret=SECRET,
                me="kit",
                batch=100,
            )

        with pytest.raises(RuntimeError):
            await consumer().run_once()  # crashed after 3 events: nothing of the batch committed
        budget["events"] = 100
        applied.clear()
        results = await asyncio.gather(consumer().run_once(), consumer().run_once())
        assert sorted(results) == [0, 7]  # one replica applied the batch; the other skipped the locked cursor
        assert applied == list(range(1, 8))
        assert await consumer().run_once() == 0


async def test_idempotency_answer_is_stored_before_its_last_byte_leaves(kit_app, as_role, kit_engine):
    """A client that repeats the moment the answer arrives must get a replay, not 409 'still in flight'."""
    headers = [
        (k.encode(), v.encode()) for k, v in {**as_role("operator", subject="ana"), "idempotency-key": "fast"}.items()
    ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/notes",
        "raw_path": b"/api/v1/notes",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"host", b"kit"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("kit", 80),
    }
    body = [{"type": "http.request", "body": b'{"text": "fast"}', "more_body": False}]
    seen_at_last_byte = []

    async def receive():
        return body.pop() if body else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            async with kit_engine.connect() as conn:
                seen_at_last_byte.append(
                    (
                        await conn.execute(sa.text("SELECT status FROM kit_test.idempotency_keys WHERE key = 'fast'"))
                    ).scalar_one()
                )

    await kit_app(scope, receive, send)
    assert seen_at_last_byte == [201]
