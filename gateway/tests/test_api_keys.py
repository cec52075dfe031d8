"""API keys: made by staff, shown once, kept only as a hash, refused once revoked or expired."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from gateway.resources import resources_of
from smartcity_kit.identity import verify_identity


@pytest.fixture
async def db(migrated_url: str):
    conn = await asyncpg.connect(migrated_url)
    yield conn
    await conn.close()


async def make_key(client, headers, **body) -> dict:
    payload = {"name": "Kemendagri sync", "role": "partner"} | body
    response = await client.post("/api/v1/api-keys", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_key_is_shown_once_and_stored_only_as_its_hash(client, bearer, db):
    created = await make_key(client, bearer("operator", subject="ops@kominfo"), name="Bappenas planning")
    key = created["key"]
    assert key.startswith(created["prefix"] + "_") and created["prefix"].startswith("sck_")
    assert created["role"] == "partner" and created["region_code"] is None and created["expires_at"] is None
    assert created["created_by"] == "operator:ops@kominfo"

    row = await db.fetchrow("SELECT * FROM gateway.api_keys WHERE id = $1", uuid.UUID(created["id"]))
    assert bytes(row["key_hash"]) == hashlib.sha256(key.encode()).digest()
    assert key not in str(dict(row))

    listed = (await client.get("/api/v1/api-keys?limit=200", headers=bearer("admin"))).json()
    mine = [item for item in listed["items"] if item["id"] == created["id"]]
    assert mine == [{k: v for k, v in created.items() if k != "key"}]
    assert key not in str(listed)


async def test_a_key_authenticates_with_its_role(client, bearer, upstream):
    created = await make_key(client, bearer("operator"), role="region", region_code="32.73", name="Bandung portal")
    response = await client.get("/api/v1/me", headers={"X-API-Key": created["key"]})
    assert response.json() == {
        "subject": f"api-key:{created['id']}",
        "role": "region",
        "region_code": "32.73",
        "auth": "api_key",
        "organization": None,
    }
    # and the route classes apply to it as to a token of that role
    assert (await client.post("/api/v1/phases", headers={"X-API-Key": created["key"]}, json={})).status_code == 403
    assert upstream.seen == []


async def test_a_partner_key_speaks_for_its_organisation_in_the_signed_identity(
    client, bearer, upstream, internal_secret
):
    created = await make_key(client, bearer("operator"), role="partner", organization="pupr", name="PUPR sync")
    assert created["organization"] == "pupr"
    me = await client.get("/api/v1/me", headers={"X-API-Key": created["key"]})
    assert (me.json()["role"], me.json()["organization"]) == ("partner", "pupr")
    await client.get("/api/v1/regions", headers={"X-API-Key": created["key"]})
    identity = verify_identity(upstream.headers_of_last()["x-smartcity-identity"], internal_secret)
    assert (identity.role, identity.organization, identity.subject) == ("partner", "pupr", f"api-key:{created['id']}")
    plain = await make_key(client, bearer("operator"), role="partner", name="Bappenas reader")
    await client.get("/api/v1/regions", headers={"X-API-Key": plain["key"]})
    assert verify_identity(upstream.headers_of_last()["x-smartcity-identity"], internal_secret).organization is None


async def test_a_revoked_key_stops_working_at_once(client, bearer):
    created = await make_key(client, bearer("operator"))
    headers = {"X-API-Key": created["key"]}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200  # now remembered for a second
    response = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=bearer("operator"))
    assert response.status_code == 204
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key is not valid or has been revoked."
    listed = (await client.get("/api/v1/api-keys?limit=200", headers=bearer("operator"))).json()
    assert created["id"] not in {item["id"] for item in listed["items"]}
    again = await client.delete(f"/api/v1/api-keys/{created['id']}", headers=bearer("operator"))
    assert again.status_code == 404


async def test_a_revocation_reaches_another_replica_at_once(start_gateway, make_settings, bearer):
    first = await start_gateway(make_settings())
    # the second remembers a found key for 30 s: only the revocation notice can make it forget in time
    second = await start_gateway(make_settings(api_key_cache_seconds=30))
    gateway = second._transport.app.app  # inside the request context
    assert resources_of(gateway.local.state).api_keys.listening
    created = await make_key(first, bearer("operator"))
    headers = {"X-API-Key": created["key"]}
    assert (await second.get("/api/v1/me", headers=headers)).status_code == 200  # remembered by the second
    assert (await first.delete(f"/api/v1/api-keys/{created['id']}", headers=bearer("admin"))).status_code == 204
    # the NOTIFY left at commit; give the second replica's listener a few turns of the loop
    for _ in range(300):
        response = await second.get("/api/v1/me", headers=headers)
        if response.status_code == 401:
            break
        await asyncio.sleep(0.01)
    assert response.status_code == 401


async def test_an_expired_key_is_refused(start_gateway, make_settings, bearer, db):
    client = await start_gateway(make_settings(api_key_cache_seconds=0))  # so that our clock jump shows at once
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = await make_key(client, bearer("operator"), expires_at=in_an_hour)
    headers = {"X-API-Key": created["key"]}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    await db.execute(
        "UPDATE gateway.api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", uuid.UUID(created["id"])
    )
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key has expired."
    # nor is it listed among the keys in force, nor can it be revoked as one
    listed = await client.get("/api/v1/api-keys?limit=200", headers=bearer("operator"))
    assert created["id"] not in [key["id"] for key in listed.json()["items"]]
    assert (await client.delete(f"/api/v1/api-keys/{created['id']}", headers=bearer("operator"))).status_code == 404


async def test_unknown_and_malformed_keys_are_401(client, upstream):
    for key in ("sck_00000000_" + "x" * 43, "not-a-key", "sck_" + "y" * 500):
        response = await client.get("/api/v1/regions", headers={"X-API-Key": key})
        assert response.status_code == 401, key
    assert upstream.seen == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "role": "region"}, "region_code"),
        ({"name": "x", "role": "partner", "region_code": "32.73"}, "region_code"),
        ({"name": "x", "role": "partner", "expires_at": "2020-01-01T00:00:00+07:00"}, "expires_at"),
        ({"name": "x", "role": "partner", "expires_at": "2099-01-01T00:00:00"}, "expires_at"),
        ({"name": "x", "role": "service"}, "role"),
        ({"name": "", "role": "partner"}, "name"),
        ({"name": "x", "role": "partner", "scopes": ["all"]}, "scopes"),
        ({"name": "x", "role": "operator", "organization": "pupr"}, "organization"),
        ({"name": "x", "role": "partner", "organization": "kominfo"}, "organization"),
    ],
)
async def test_a_bad_request_is_422_naming_the_field_and_keeps_nothing(client, bearer, db, body, field):
    before = await db.fetchval("SELECT count(*) FROM gateway.api_keys")
    response = await client.post("/api/v1/api-keys", json=body, headers=bearer("operator"))
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert await db.fetchval("SELECT count(*) FROM gateway.api_keys") == before


async def test_only_an_admin_makes_an_admin_key(client, bearer):
    response = await client.post("/api/v1/api-keys", json={"name": "x", "role": "admin"}, headers=bearer("operator"))
    assert response.status_code == 403
    assert response.json()["code"] == "admin-key-forbidden"
    created = await make_key(client, bearer("admin"), role="admin")
    assert created["role"] == "admin"


async def test_the_list_pages_with_a_cursor(client, bearer):
    ids = {(await make_key(client, bearer("operator"), name=f"page {n}"))["id"] for n in range(3)}
    seen, cursor = [], None
    while True:
        url = "/api/v1/api-keys?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = (await client.get(url, headers=bearer("operator"))).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert ids <= set(seen) and len(seen) == len(set(seen))


async def test_without_a_database_api_keys_are_503_and_tokens_still_work(
    start_gateway, make_settings, bearer, monkeypatch
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    client = await start_gateway(make_settings(database_url=""))
    assert (await client.get("/api/v1/api-keys", headers=bearer("operator"))).status_code == 503
    assert (await client.get("/api/v1/me", headers={"X-API-Key": "sck_x"})).status_code == 401
    assert (await client.get("/api/v1/me", headers=bearer("operator"))).status_code == 200


async def test_the_same_idempotency_key_and_body_gets_the_first_answer_again(client, bearer, db):
    headers = {**bearer("operator", subject="ops@retry"), "Idempotency-Key": "create-kemenkeu-1"}
    body = {"name": "Kemenkeu retry", "role": "partner"}
    first = await client.post("/api/v1/api-keys", json=body, headers=headers)
    again = await client.post("/api/v1/api-keys", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert await db.fetchval("SELECT count(*) FROM gateway.api_keys WHERE name = 'Kemenkeu retry'") == 1
    # what is kept to replay it does not show the key, nor the Idempotency-Key
    kept = await db.fetchrow("SELECT * FROM gateway.api_key_requests WHERE caller = 'jwt:operator:-:ops@retry'")
    assert first.json()["key"].encode() not in bytes(kept["sealed"])
    assert b"create-kemenkeu-1" not in bytes(kept["idempotency_hash"])

    other_body = await client.post("/api/v1/api-keys", json={**body, "name": "another"}, headers=headers)
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency-key-reused"
    assert other_body.json()["errors"] == [
        {"field": "Idempotency-Key", "code": "reused", "message": "Used before with another body."}
    ]
    # another caller's same Idempotency-Key is another request
    theirs = await client.post(
        "/api/v1/api-keys", json=body, headers={**bearer("admin"), "Idempotency-Key": "create-kemenkeu-1"}
    )
    assert theirs.status_code == 201 and theirs.json()["id"] != first.json()["id"]


async def test_a_refused_first_attempt_leaves_the_idempotency_key_free(client, bearer):
    headers = {**bearer("operator"), "Idempotency-Key": "create-region-key"}
    refused = await client.post("/api/v1/api-keys", json={"name": "x", "role": "region"}, headers=headers)
    assert refused.status_code == 422
    good = {"name": "x", "role": "region", "region_code": "32.73"}
    assert refused.json()["code"] == "api-key-fields-invalid"
    assert (await client.post("/api/v1/api-keys", json=good, headers=headers)).status_code == 201
