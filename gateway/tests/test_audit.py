"""The API keys' audit trail: every change recorded with who made it, never the key or its hash."""

from __future__ import annotations

import hashlib


async def test_making_and_revoking_a_key_is_recorded_without_the_key(client, bearer, migrated_url):
    made = await client.post(
        "/api/v1/api-keys",
        json={"name": "BPK audit", "role": "partner"},
        headers={**bearer("operator", subject="ops@kominfo"), "x-request-id": "make-key-1"},
    )
    assert made.status_code == 201, made.text
    key = made.json()
    revoked = await client.delete(f"/api/v1/api-keys/{key['id']}", headers=bearer("admin", subject="root@kominfo"))
    assert revoked.status_code == 204
    trail = await client.get(
        "/api/v1/audit/gateway", params={"resource": f"api-keys/{key['id']}"}, headers=bearer("admin")
    )
    assert trail.status_code == 200, trail.text
    entries = trail.json()["items"]
    assert [(e["actor"], e["request_id"], e["action"]) for e in entries] == [
        ("operator:ops@kominfo", "make-key-1", "insert"),
        ("admin:root@kominfo", entries[1]["request_id"], "update"),
    ]
    assert sorted(entries[0]["changes"]) == ["created_at", "created_by", "id", "name", "prefix", "role"]
    assert sorted(entries[1]["changes"]) == ["revoked_at", "revoked_by"]
    assert entries[1]["changes"]["revoked_by"] == {"before": None, "after": "admin:root@kominfo"}
    for secret in (key["key"], hashlib.sha256(key["key"].encode()).hexdigest()):
        assert secret not in trail.text
    assert (await client.get("/api/v1/audit/gateway", headers=bearer("operator"))).status_code == 403
