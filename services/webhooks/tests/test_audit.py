"""The webhooks audit trail: a registration and a rotation recorded, never a secret (every table audited, the
audit tables append-only: tests/test_audit_tables.py)."""

from __future__ import annotations

import sqlalchemy as sa

from .conftest import identity


async def test_a_registration_and_a_rotation_are_recorded_without_the_secret(client, connection):
    body = {"url": "http://127.0.0.1:9/hooks", "event_types": ["participant.*"]}
    created = await client.post(
        "/api/v1/webhooks", json=body, headers=identity("operator", subject="ops@kominfo.go.id")
    )
    assert created.status_code == 201, created.text
    endpoint = created.json()["id"]
    rotated = await client.post(f"/api/v1/webhooks/{endpoint}/rotate-secret", headers=identity("operator"))
    assert rotated.status_code == 200, rotated.text
    trail = await client.get(
        "/api/v1/audit/webhooks", params={"resource": f"webhooks/{endpoint}"}, headers=identity("admin")
    )
    items = trail.json()["items"]
    assert [(e["action"], e["resource"].replace(endpoint, "W").split("/secrets/")[0]) for e in items] == [
        ("insert", "webhooks/W"),
        ("insert", "webhooks/W"),  # the secret: that it was made, when it expires
        ("update", "webhooks/W"),  # the first secret's expiry set by the rotation
        ("insert", "webhooks/W"),  # the new secret
        ("update", "webhooks/W"),  # the endpoint's version
    ]
    assert items[2]["changes"] == {"expires_at": {"before": None, "after": items[2]["changes"]["expires_at"]["after"]}}
    assert items[0]["actor"] == "operator:ops@kominfo.go.id"
    assert sorted(items[1]["changes"]) == ["created_at", "endpoint_id", "id"]
    rendered = trail.text
    for secret in (created.json()["secret"], rotated.json()["secret"]):
        assert secret.removeprefix("whsec_") not in rendered
    sealed = (await connection.execute(sa.text("SELECT sealed FROM webhooks.endpoint_secrets"))).scalars().all()
    assert all(row.hex() not in rendered for row in sealed)
