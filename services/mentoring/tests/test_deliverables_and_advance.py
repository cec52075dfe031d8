"""Deliverables checked against the documents service over HTTP; reviews; advancing through the stages."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from mentoring.deliverables.models import Deliverable
from smartcity_kit.documents_client import DocumentsClient


async def submit(client, as_role, track, kind, document_id, region=None):
    return await client.post(
        f"/api/v1/tracks/{track.id}/deliverables",
        json={"kind": kind, "document_id": str(document_id)},
        headers=as_role("region", region or track.region_code),
    )


async def review(client, headers, deliverable_id, decision, comment=None):
    return await client.post(
        f"/api/v1/deliverables/{deliverable_id}/review",
        json={"decision": decision, "comment": comment},
        headers=headers,
    )


async def deliverable_count(session) -> int:
    return (await session.execute(sa.select(sa.func.count()).select_from(Deliverable))).scalar_one()


async def test_a_region_submits_its_own_document(client, as_role, make_track, upstream):
    track = await make_track("32.73")
    doc = upstream.add_document("32.73", "readiness_report")
    response = await submit(client, as_role, track, "readiness_report", doc)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["track_id"], body["stage"], body["kind"], body["document_id"], body["status"]) == (
        str(track.id),
        "bimtek_1",
        "readiness_report",
        doc,
        "submitted",
    )
    assert body["submitted_by"] == "region:region@test"
    listed = await client.get(f"/api/v1/tracks/{track.id}/deliverables", headers=as_role("partner"))
    assert [d["id"] for d in listed.json()["items"]] == [body["id"]]
    one = await client.get(f"/api/v1/deliverables/{body['id']}", headers=as_role("region", "32.73"))
    assert one.status_code == 200 and one.json() == body
    assert (
        await client.get(f"/api/v1/deliverables/{body['id']}", headers=as_role("region", "51.71"))
    ).status_code == 404


async def test_documents_that_are_not_the_regions_are_refused_and_nothing_kept(
    client, as_role, make_track, upstream, session
):
    track = await make_track("32.73")
    elsewhere = upstream.add_document("32.04", "readiness_report")  # Kabupaten Bandung's, not Kota Bandung's
    deleted = upstream.add_document("32.73", "readiness_report", deleted=True)
    other_kind = upstream.add_document("32.73", "minutes")
    cases = [
        (elsewhere, "document_id", "not_a_document_of_region"),
        (uuid.uuid4(), "document_id", "not_a_document_of_region"),
        (deleted, "document_id", "not_a_document_of_region"),
        (other_kind, "kind", "kind_mismatch"),
    ]
    for document_id, field, code in cases:
        response = await submit(client, as_role, track, "readiness_report", document_id)
        assert response.status_code == 422, (document_id, response.text)
        assert response.json()["code"] == "validation-failed"
        assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    bad = await client.post(
        f"/api/v1/tracks/{track.id}/deliverables",
        json={"kind": "selfie", "document_id": "nope"},
        headers=as_role("region", "32.73"),
    )
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["document_id", "kind"]
    assert await deliverable_count(session) == 0


async def test_documents_service_down_is_503_with_nothing_recorded(
    app, client, as_role, make_track, upstream, session, http
):
    track = await make_track("32.73")
    doc = upstream.add_document("32.73", "readiness_report")
    upstream.broken_documents.add(doc)
    failing = await submit(client, as_role, track, "readiness_report", doc)
    assert failing.status_code == 503
    assert failing.headers["retry-after"]
    # nobody listens on the configured port any more
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    app.state.documents = DocumentsClient(
        base_url=f"http://127.0.0.1:{closed_port}", client=http, secret="x" * 32, me="mentoring"
    )
    unreachable = await submit(client, as_role, track, "readiness_report", doc)
    assert unreachable.status_code == 503
    assert unreachable.headers["content-type"] == "application/problem+json"
    assert await deliverable_count(session) == 0


async def test_who_may_submit(client, as_role, make_track, upstream):
    track = await make_track("32.73")
    doc = upstream.add_document("32.73", "readiness_report")
    assert (await submit(client, as_role, track, "readiness_report", doc, region="51.71")).status_code == 404
    for role in ("mentor", "partner"):
        response = await client.post(
            f"/api/v1/tracks/{track.id}/deliverables",
            json={"kind": "readiness_report", "document_id": doc},
            headers=as_role(role),
        )
        assert response.status_code == 403, role
    operator = await client.post(
        f"/api/v1/tracks/{track.id}/deliverables",
        json={"kind": "readiness_report", "document_id": doc},
        headers=as_role("operator"),
    )
    assert operator.status_code == 201
    assert upstream.document_calls == 1  # roles refused before any call


async def test_review_by_assigned_mentor_or_operator_and_superseding(
    client, as_role, make_track, make_mentor, assign, upstream
):
    track = await make_track("32.73")
    mentor = await make_mentor(home_region_code="35.78")
    stranger = await make_mentor(home_region_code="35.78")
    await assign(track.id, mentor["id"])
    first = (
        await submit(client, as_role, track, "readiness_report", upstream.add_document("32.73", "readiness_report"))
    ).json()

    assert (
        await review(client, as_role("mentor", subject=stranger["email"]), first["id"], "approved")
    ).status_code == 404
    assert (await review(client, as_role("region", "32.73"), first["id"], "approved")).status_code == 403
    assert (await review(client, as_role("partner"), first["id"], "approved")).status_code == 403
    bad = await review(client, as_role("operator"), first["id"], "maybe")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "decision"

    sent_back = await review(
        client, as_role("mentor", subject=mentor["email"]), first["id"], "changes_requested", "Add the SWOT."
    )
    assert sent_back.status_code == 200
    assert (sent_back.json()["status"], sent_back.json()["review_comment"]) == ("changes_requested", "Add the SWOT.")
    assert sent_back.json()["reviewed_by"] == f"mentor:{mentor['email']}"
    reviewed_twice = await review(client, as_role("operator"), first["id"], "approved")
    assert (reviewed_twice.status_code, reviewed_twice.json()["code"]) == (409, "deliverable-not-submitted")

    second = await submit(
        client, as_role, track, "readiness_report", upstream.add_document("32.73", "readiness_report")
    )
    assert second.status_code == 201
    assert second.json()["supersedes_id"] == first["id"]
    old = await client.get(f"/api/v1/deliverables/{first['id']}", headers=as_role("operator"))
    assert old.json()["status"] == "superseded"
    approved = await review(client, as_role("operator"), second.json()["id"], "approved")
    assert approved.json()["status"] == "approved"
    again = await submit(client, as_role, track, "readiness_report", upstream.add_document("32.73", "readiness_report"))
    assert (again.status_code, again.json()["code"]) == (409, "deliverable-already-approved")


async def test_advance_needs_every_required_kind_approved(client, as_role, make_track, upstream, events_of):
    track = await make_track("32.73")
    advance = f"/api/v1/tracks/{track.id}/advance"
    refused = await client.post(advance, headers=as_role("operator"))
    assert refused.status_code == 409
    assert refused.json() == {
        "type": "https://smartcity.kominfo.go.id/problems/track-stage-incomplete",
        "code": "track-stage-incomplete",
        "title": "Stage not complete",
        "status": 409,
        "detail": "The track cannot leave bimtek_1 yet: it needs approved deliverables of kind readiness_report.",
        "stage": "bimtek_1",
        "missing_deliverables": ["readiness_report"],
    }  # no word of a master plan, which no stage but the last needs
    in_indonesian = await client.post(advance, headers=as_role("operator", language="id-ID"))
    assert (in_indonesian.json()["title"], in_indonesian.json()["detail"]) == (
        "Tahapan belum tuntas",
        "Jalur pendampingan belum dapat menyelesaikan tahapan bimtek_1: masih diperlukan luaran yang disetujui "
        "berjenis readiness_report.",
    )
    assert in_indonesian.headers["content-language"] == "id"

    d = (
        await submit(client, as_role, track, "readiness_report", upstream.add_document("32.73", "readiness_report"))
    ).json()
    assert (await client.post(advance, headers=as_role("operator"))).status_code == 409  # submitted, not approved
    await review(client, as_role("operator"), d["id"], "approved")
    for role in ("region", "mentor", "partner"):
        assert (await client.post(advance, headers=as_role(role, "32.73"))).status_code == 403
    moved = await client.post(advance, headers=as_role("operator"))
    assert moved.status_code == 200 and moved.json()["stage"] == "bimtek_2"

    quick = (
        await submit(client, as_role, track, "quick_win_list", upstream.add_document("32.73", "quick_win_list"))
    ).json()
    await review(client, as_role("operator"), quick["id"], "approved")
    missing = await client.post(advance, headers=as_role("operator"))
    assert missing.json()["missing_deliverables"] == ["strategic_analysis"]
    on_track = {
        "track_id": str(track.id),
        "participant_id": str(track.participant_id),
        "region_code": "32.73",
        "phase_code": "2018",
    }
    assert await events_of() == [
        ("track.opened", {**on_track, "stage": "bimtek_1"}),
        ("track.stage_advanced", {**on_track, "from": "bimtek_1", "to": "bimtek_2"}),
    ]
