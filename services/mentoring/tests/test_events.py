"""The mentoring service's events, each payload exactly, and the catalogue its OpenAPI document publishes."""

from __future__ import annotations

from datetime import datetime

ELEMENTS = {
    "governance": "service",
    "branding": "tourism",
    "economy": "industry",
    "living": "health",
    "society": "learning",
    "environment": "waste",
}
PLAN = {
    "vision": "Bandung, a liveable and caring smart city",
    "horizon_start_year": 2020,
    "horizon_end_year": 2029,
    "initiatives": [
        {
            "dimension": dimension,
            "element": element,
            "title": f"{dimension} initiative",
            "benefit": "Citizens get the service without queueing.",
            "beneficiaries": "All residents",
            "start_year": 2020 + n,
            "end_year": 2021 + n,
            "quick_win": True,
        }
        for n, (dimension, element) in enumerate(ELEMENTS.items())
    ],
}
WORKSHOP = {
    "stage": "bimtek_1",
    "title": "Bimtek I, Jakarta",
    "starts_at": "2018-07-10T08:30:00+07:00",
    "ends_at": "2018-07-11T17:00:00+07:00",
    "mode": "offline",
    "venue": "Hotel Borobudur, Jakarta",
}


def on(track) -> dict:
    return {
        "track_id": str(track.id),
        "participant_id": str(track.participant_id),
        "region_code": track.region_code,
        "phase_code": track.phase_code,
    }


async def test_a_mentor_and_their_assignments_are_events(client, make_track, make_mentor, assign, events_of, as_role):
    track = await make_track("32.73")
    mentor = await make_mentor(home_region_code="33.74", name="Dr. Sari", expertise=["economy"], max_tracks=3)
    assert await events_of("mentor.") == [
        (
            "mentor.created",
            {
                "mentor_id": mentor["id"],
                "name": "Dr. Sari",
                "organization": "Institut Teknologi Bandung",
                "expertise": ["economy"],
                "home_region_code": "33.74",
                "max_tracks": 3,
            },
        )
    ]
    assert (await assign(track.id, mentor["id"])).status_code == 201
    removed = await client.delete(f"/api/v1/tracks/{track.id}/mentors/{mentor['id']}", headers=as_role("operator"))
    assert removed.status_code == 204
    assert await events_of("track.mentor") == [
        (
            "track.mentor_assigned",
            {
                **on(track),
                "mentor_id": mentor["id"],
                "mentor_email": mentor["email"],
                "assigned_by": "operator:operator@test",
            },
        ),
        ("track.mentor_removed", {**on(track), "mentor_id": mentor["id"], "removed_by": "operator:operator@test"}),
    ]


async def test_a_workshop_and_its_attendance_are_one_event_per_track(
    client, as_role, make_track, make_mentor, events_of
):
    bandung, makassar = await make_track("32.73"), await make_track("73.71")
    mentor = await make_mentor(home_region_code=None)
    body = {**WORKSHOP, "track_ids": [str(makassar.id), str(bandung.id)], "mentor_ids": [mentor["id"]]}
    created = await client.post("/api/v1/sessions", json=body, headers=as_role("operator"))
    assert created.status_code == 201, created.text
    session_id = created.json()["id"]
    facts = {"session_id": session_id, **WORKSHOP, "url": None, "mentor_ids": [mentor["id"]]}
    # in the order the workshop names its tracks
    assert await events_of("session.scheduled") == [
        ("session.scheduled", {**facts, **on(makassar)}),
        ("session.scheduled", {**facts, **on(bandung)}),
    ]
    rows = [
        {"track_id": str(bandung.id), "present": True, "attendees": ["Kepala Bappeda", "Kadis Kominfo"]},
        {"track_id": str(makassar.id), "present": False},
    ]
    recorded = await client.put(f"/api/v1/sessions/{session_id}/attendance", json=rows, headers=as_role("operator"))
    assert recorded.status_code == 200, recorded.text
    by = {"session_id": session_id, "recorded_by": "operator:operator@test"}
    assert await events_of("session.attendance") == [
        ("session.attendance_recorded", {**by, **on(bandung), "present": True, "attendee_count": 2}),
        ("session.attendance_recorded", {**by, **on(makassar), "present": False, "attendee_count": 0}),
    ]


async def test_a_deliverable_and_its_review_are_events(client, as_role, make_track, upstream, events_of):
    track = await make_track("32.73")
    document_id = upstream.add_document("32.73", "readiness_report")
    hand_in = {"kind": "readiness_report", "document_id": document_id}
    path = f"/api/v1/tracks/{track.id}/deliverables"
    first = (await client.post(path, json=hand_in, headers=as_role("region", "32.73"))).json()
    decision = {"decision": "changes_requested", "comment": "Lengkapi anggaran"}
    reviewed = await client.post(
        f"/api/v1/deliverables/{first['id']}/review", json=decision, headers=as_role("operator")
    )
    assert reviewed.status_code == 200, reviewed.text
    second = (await client.post(path, json=hand_in, headers=as_role("region", "32.73"))).json()
    common = {**on(track), "stage": "bimtek_1", "kind": "readiness_report"}
    submitted = {"document_id": document_id, "submitted_by": "region:region@test"}
    events = await events_of("deliverable.")
    assert [t for t, _ in events] == ["deliverable.submitted", "deliverable.reviewed", "deliverable.submitted"]
    times = [first["submitted_at"], reviewed.json()["reviewed_at"], second["submitted_at"]]
    for (_, data), at in zip(events, times, strict=True):
        assert datetime.fromisoformat(data.pop("reviewed_at" if "decision" in data else "submitted_at")) == (
            datetime.fromisoformat(at)
        )
    assert [d for _, d in events] == [
        {**common, "deliverable_id": first["id"], **submitted, "supersedes_id": None},
        {
            **common,
            "deliverable_id": first["id"],
            "decision": "changes_requested",
            "comment": "Lengkapi anggaran",
            "reviewed_by": "operator:operator@test",
        },
        {**common, "deliverable_id": second["id"], **submitted, "supersedes_id": first["id"]},
    ]


async def test_each_saved_draft_is_an_event(client, as_role, make_track, events_of):
    track = await make_track("32.73")
    region = as_role("region", "32.73")
    path = f"/api/v1/tracks/{track.id}/masterplan"
    created = await client.put(path, json=PLAN, headers=region)
    assert created.status_code == 201, created.text
    changed = await client.put(
        path, json={**PLAN, "horizon_end_year": 2028}, headers={**region, "if-match": created.headers["etag"]}
    )
    assert changed.status_code == 200, changed.text
    events = await events_of("masterplan.")
    for (_, data), plan in zip(events, (created.json(), changed.json()), strict=True):
        assert datetime.fromisoformat(data.pop("saved_at")) == datetime.fromisoformat(plan["updated_at"])
    plan = {"horizon_start_year": 2020, "initiative_count": 6, "saved_by": "region:region@test"}
    assert events == [
        ("masterplan.saved", {**on(track), **plan, "version": 1, "horizon_end_year": 2029}),
        ("masterplan.saved", {**on(track), **plan, "version": 2, "horizon_end_year": 2028}),
    ]


async def test_the_openapi_document_publishes_the_catalogue(client):
    document = (await client.get("/openapi.json")).json()
    assert sorted(document["webhooks"]) == [
        "deliverable.reviewed",
        "deliverable.submitted",
        "masterplan.approved",
        "masterplan.saved",
        "mentor.created",
        "session.attendance_recorded",
        "session.scheduled",
        "track.completed",
        "track.mentor_assigned",
        "track.mentor_removed",
        "track.opened",
        "track.stage_advanced",
        "track.withdrawn",
    ]
    approved = document["components"]["schemas"]["event.MasterPlanApproved"]
    assert approved["properties"]["initiatives"]["items"] == {"$ref": "#/components/schemas/event.ApprovedInitiative"}
