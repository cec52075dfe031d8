"""A region's report for a period: all or nothing, dry runs, If-Match, late and locked periods, evidence, events."""

from __future__ import annotations

import uuid
from datetime import date

PERIOD = "2026-Y"
REPORT = f"/api/v1/monitoring/periods/{PERIOD}/reports/32.73"
# the months as Indonesian writes them in a date
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November")
BULAN += ("Desember",)


def figures(setup: dict, online: float = 30, permit: float = 7, **extra) -> dict:
    plan = setup["plan"]
    return {
        "values": [
            {"tracked_indicator_id": setup["online"], "value": online, "comment": "Data Diskominfo"},
            {"tracked_indicator_id": setup["permit"], "value": permit},
        ],
        "initiatives": [
            {"initiative_id": plan["initiatives"][0]["id"], "status": "on_track", "progress": 40, "note": "Sesuai"},
            {"initiative_id": plan["initiatives"][3]["id"], "status": "delayed", "progress": 10},
        ],
        **extra,
    }


async def test_a_report_with_any_bad_entry_stores_nothing_and_names_every_problem(
    client, as_role, ready, make_portfolio, events_of
):
    setup = await ready()
    other = await make_portfolio("32.04")
    body = figures(setup, online=120)
    body["values"].append({"tracked_indicator_id": str(uuid.uuid4()), "value": 1})
    body["values"].append({"tracked_indicator_id": setup["permit"], "value": 8})
    body["initiatives"].append({"initiative_id": other["initiatives"][0]["id"], "status": "done", "progress": 100})
    response = await client.put(REPORT, json=body, headers=as_role("region", "32.73"))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "values[0].value", "code": "not_a_percentage", "message": "A percentage lies within 0-100."},
        {
            "field": "values[2].tracked_indicator_id",
            "code": "not_an_indicator_of_region",
            "message": "No indicator of region 32.73.",
        },
        {
            "field": "values[3].tracked_indicator_id",
            "code": "duplicate",
            "message": "A second value for this indicator.",
        },
        {
            "field": "initiatives[2].initiative_id",
            "code": "not_an_initiative_of_region",
            "message": "No initiative of region 32.73.",
        },
    ]
    assert (await client.get(REPORT, headers=as_role("operator"))).status_code == 404
    assert await events_of("report.") == []


async def test_a_dry_run_answers_as_if_stored_and_stores_nothing(client, as_role, ready):
    setup = await ready()
    response = await client.put(
        REPORT, json=figures(setup, dry_run=True, submit=True), headers=as_role("region", "32.73")
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["dry_run"], body["status"], body["id"], len(body["values"]), len(body["initiatives"])) == (
        True,
        "submitted",
        None,
        2,
        2,
    )
    assert (await client.get(REPORT, headers=as_role("operator"))).status_code == 404


async def test_writing_again_needs_the_current_etag_and_replaces_everything(client, as_role, ready):
    setup = await ready()
    region = as_role("region", "32.73")
    first = await client.put(REPORT, json=figures(setup), headers=region)
    assert first.status_code == 200, first.text
    assert (first.json()["status"], first.json()["late"], first.json()["updated_by"]) == (
        "draft",
        False,
        "region:region@test",
    )
    etag = first.headers["etag"]
    only_one = {"values": [{"tracked_indicator_id": setup["online"], "value": 35}]}
    assert (await client.put(REPORT, json=only_one, headers=region)).status_code == 428
    assert (await client.put(REPORT, json=only_one, headers={**region, "If-Match": '"old"'})).status_code == 412
    second = await client.put(REPORT, json=only_one, headers={**region, "If-Match": etag})
    assert second.status_code == 200, second.text
    assert [(v["tracked_indicator_id"], v["value"]) for v in second.json()["values"]] == [(setup["online"], 35.0)]
    assert second.json()["initiatives"] == []
    read = await client.get(REPORT, headers=region)
    assert (read.headers["etag"], read.json()["values"]) == (second.headers["etag"], second.json()["values"])
    # another region, a mentor without the region, a partner: nothing to see or write
    assert (await client.get(REPORT, headers=as_role("region", "32.04"))).status_code == 404
    assert (await client.put(REPORT, json=only_one, headers=as_role("region", "32.04"))).status_code == 404
    assert (await client.get(REPORT, headers=as_role("mentor"))).status_code == 404
    assert (await client.get(REPORT, headers=as_role("partner"))).status_code == 404
    assert (await client.put(REPORT, json=only_one, headers=as_role("partner"))).status_code == 403


async def test_submission_on_time_then_frozen_until_decided(client, as_role, ready, events_of):
    setup = await ready()
    region = as_role("region", "32.73")
    submitted = await client.put(REPORT, json=figures(setup, submit=True), headers=region)
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["status"], submitted.json()["late"]) == ("submitted", False)
    [(type_, data)] = await events_of("report.")
    assert type_ == "report.submitted"
    assert {k: data[k] for k in ("period_code", "region_code", "from", "to", "late", "resubmission")} == {
        "period_code": PERIOD,
        "region_code": "32.73",
        "from": "draft",
        "to": "submitted",
        "late": False,
        "resubmission": False,
    }
    again = await client.put(REPORT, json=figures(setup), headers={**region, "If-Match": submitted.headers["etag"]})
    assert (again.status_code, again.json()["code"]) == (409, "report-not-editable")
    resubmitted = await client.post(f"{REPORT}/submit", headers=as_role("region", "32.73", language="id"))
    assert (resubmitted.status_code, resubmitted.json()["code"], resubmitted.json()["detail"]) == (
        409,
        "report-not-editable",
        "Status laporan ini submitted; laporan hanya dapat diubah selama berstatus draft atau returned.",
    )


async def test_after_due_on_a_submission_is_late_and_after_locks_on_refused_until_reopened(client, as_role, ready):
    setup = await ready(due_in=-1, locks_in=5)
    region = as_role("region", "32.73")
    late = await client.put(REPORT, json=figures(setup, submit=True), headers=region)
    assert (late.status_code, late.json()["late"]) == (200, True)


async def test_a_locked_period_refuses_until_an_operator_reopens_the_report(client, as_role, ready, events_of):
    setup = await ready(due_in=-3, locks_in=-1)
    region = as_role("region", "32.73")
    refused = await client.put(REPORT, json=figures(setup, submit=True), headers=region)
    assert (refused.status_code, refused.json()["code"]) == (409, "period-locked")
    period = (await client.get(f"/api/v1/monitoring/periods/{PERIOD}", headers=region)).json()
    locks_on = date.fromisoformat(period["locks_on"])
    assert refused.json()["detail"] == (
        f"The period {PERIOD} locked on {locks_on:%B} {locks_on.day}, {locks_on.year}; an operator may reopen the "
        "report."
    )
    in_indonesian = await client.put(
        REPORT, json=figures(setup, submit=True), headers=as_role("region", "32.73", language="id-ID")
    )
    assert in_indonesian.json()["detail"] == (
        f"Periode {PERIOD} dikunci pada {locks_on.day} {BULAN[locks_on.month - 1]} {locks_on.year}; operator dapat "
        "membuka kembali laporan ini."
    )
    assert (await client.post(f"{REPORT}/reopen", json={"reason": "x"}, headers=region)).status_code == 403
    reopened = await client.post(f"{REPORT}/reopen", json={"reason": "Banjir di kantor"}, headers=as_role("operator"))
    assert reopened.status_code == 200, reopened.text
    assert (reopened.json()["reopened"], reopened.json()["status"]) == (True, "draft")
    twice = await client.post(f"{REPORT}/reopen", json={"reason": "Banjir"}, headers=as_role("operator"))
    assert (twice.status_code, twice.json()["code"]) == (409, "report-already-reopened")
    etag = reopened.headers["etag"]
    late = await client.put(REPORT, json=figures(setup, submit=True), headers={**region, "If-Match": etag})
    assert (late.status_code, late.json()["status"], late.json()["late"]) == (200, "submitted", True)
    # the operator locks the whole period: other regions stay refused, this reopened one is not concerned
    locked = await client.post(f"/api/v1/monitoring/periods/{PERIOD}/lock", headers=as_role("operator"))
    assert (locked.status_code, locked.json()["status"]) == (200, "locked")
    locked_twice = await client.post(f"/api/v1/monitoring/periods/{PERIOD}/lock", headers=as_role("operator"))
    assert (locked_twice.status_code, locked_twice.json()["code"]) == (409, "period-already-locked")
    assert [t for t, _ in await events_of("period.")] == ["period.opened", "period.locked"]


async def test_evidence_must_be_a_live_document_of_the_same_region(client, as_role, ready, upload_document):
    setup = await ready()
    mine, theirs = await upload_document("32.73"), await upload_document("32.04")
    body = figures(setup)
    body["values"][0]["evidence_document_ids"] = [mine]
    body["values"][1]["evidence_document_ids"] = [theirs, str(uuid.uuid4())]
    refused = await client.put(REPORT, json=body, headers=as_role("region", "32.73"))
    assert refused.status_code == 422, refused.text
    assert [e["field"] for e in refused.json()["errors"]] == [
        "values[1].evidence_document_ids",
        "values[1].evidence_document_ids",
    ]
    assert (await client.get(REPORT, headers=as_role("operator"))).status_code == 404
    body["values"][1]["evidence_document_ids"] = [mine]
    stored = await client.put(REPORT, json=body, headers=as_role("region", "32.73"))
    assert stored.status_code == 200, stored.text
    assert [v["evidence_document_ids"] for v in stored.json()["values"]] in ([[mine], [mine]],)


async def test_an_empty_report_cannot_be_submitted(client, as_role, ready):
    await ready()
    response = await client.put(REPORT, json={"submit": True}, headers=as_role("region", "32.73"))
    assert (response.status_code, response.json()["code"]) == (422, "report-empty")
    assert response.json()["errors"] == [{"field": "values", "code": "empty", "message": "Empty."}]
    draft = await client.put(REPORT, json={}, headers=as_role("region", "32.73"))
    assert draft.status_code == 200
    submitted = await client.post(f"{REPORT}/submit", headers=as_role("region", "32.73", language="id"))
    assert (submitted.status_code, submitted.json()["code"], submitted.json()["detail"]) == (
        422,
        "report-empty",
        "Laporan kosong tidak dapat diajukan.",
    )


async def test_unknown_fields_and_nonsense_are_422_problems(client, as_role, ready):
    setup = await ready()
    headers = {**as_role("region", "32.73"), "content-type": "application/json"}
    for raw in (
        b'{"values": [], "colour": "red"}',
        b'{"values": [{"tracked_indicator_id": "' + setup["online"].encode() + b'", "value": 1e999}]}',
        b'{"values": [{"tracked_indicator_id": "' + setup["online"].encode() + b'", "value": "lots"}]}',
        b'{"initiatives": [{"initiative_id": "'
        + setup["plan"]["initiatives"][0]["id"].encode()
        + b'", "status": "finished", "progress": 101}]}',
        b'{"values": [',
    ):
        response = await client.put(REPORT, content=raw, headers=headers)
        assert response.status_code in (400, 422), raw
        assert response.headers["content-type"] == "application/problem+json"
    missing = await client.put("/api/v1/monitoring/periods/2031-S1/reports/32.73", json={}, headers=as_role("operator"))
    assert missing.status_code == 404
