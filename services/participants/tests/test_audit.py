"""The participants audit trail: each write named by its caller, field by field, read by admins (every table
audited, the audit tables append-only: tests/test_audit_tables.py)."""

from __future__ import annotations


async def test_an_application_and_its_assessment_are_recorded_field_by_field(client, as_role, make_phase, regions):
    phase = (await make_phase())["code"]
    applied = await client.post(
        "/api/v1/participants",
        json={
            "region_code": "32.73",
            "phase_code": phase,
            "contacts": [
                {"role": "Kepala Dinas", "name": "Budi", "email": "budi@bandung.go.id", "phone": "0812-3456-7890"}
            ],
        },
        headers={**as_role("region", "32.73", "tim@bandung.go.id"), "x-request-id": "apply-1"},
    )
    assert applied.status_code == 201, applied.text
    pid = applied.json()["id"]
    patched = await client.patch(
        f"/api/v1/participants/{pid}",
        json={
            "contacts": [
                {"role": "Kepala Dinas", "name": "Budi S.", "email": "budi@bandung.go.id", "phone": "0812-3456-7890"}
            ]
        },
        headers={
            **as_role("operator", subject="ops@kominfo.go.id"),
            "x-request-id": "patch-1",
            "if-match": applied.headers["etag"],
        },
    )
    assert patched.status_code == 200, patched.text

    trail = await client.get(
        "/api/v1/audit/participants", params={"resource": f"participants/{pid}"}, headers=as_role("admin")
    )
    assert trail.status_code == 200
    items = trail.json()["items"]
    assert [(e["actor"], e["request_id"], e["action"], e["resource"]) for e in items] == [
        ("region:tim@bandung.go.id", "apply-1", "insert", f"participants/{pid}"),
        (
            "region:tim@bandung.go.id",
            "apply-1",
            "insert",
            f"participants/{pid}/history/{items[1]['resource'].rsplit('/', 1)[1]}",
        ),
        ("operator:ops@kominfo.go.id", "patch-1", "update", f"participants/{pid}"),
    ]
    assert items[0]["changes"]["status"] == {"before": None, "after": "applied"}
    changed = items[2]["changes"]
    assert sorted(changed) == ["contacts", "updated_at"]
    assert changed["contacts"]["before"][0]["name"] == "Budi"
    assert changed["contacts"]["after"][0]["name"] == "Budi S."
    for role in ("operator", "partner", "region"):
        refused = await client.get(
            "/api/v1/audit/participants", headers=as_role(role, "32.73" if role == "region" else None)
        )
        assert refused.status_code == 403
