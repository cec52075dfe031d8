"""One whole programme year through the gateway only, with every process real.

Regions imported, a phase of 50, 60 applications, assessment, selection, a
withdrawal that moves the waitlist, one bulk signing of 50 MoUs, tracks that
open by themselves, a mentor, four workshops, deliverables uploaded as real PDF
and DOCX files, reviews, stage advances, an approved master plan and a region
`completed` in both services. A partner API key reads everything and changes
nothing, and its webhook receives every event of the year, in each feed's
order, signed; every event of the year is valid under its type's schema in the
event catalogue; region callers read their own region's events in the feeds and
are refused everything of other regions. Every write request of the year left
an audit entry in the service it changed, with before and after for each
changed field and no secret in any entry; an auditor reads every trail and
writes nothing; `smartcity-audit verify` finds every chain intact.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import openpyxl
from gateway.routing import owner_of
from jsonschema import Draft202012Validator
from smartcity_dev.platform import BIN, FEED_SERVICES
from smartcity_dev.receivers import Receiver, feed_events, verify
from smartcity_dev.samples import docx_bytes, master_plan, pdf_bytes, synthetic_regions_csv
from smartcity_dev.testing import wait_until

STAGES = ["bimtek_1", "bimtek_2", "bimtek_3", "bimtek_4"]


def test_one_programme_year(own_platform, new_database, auth_for, shared_regions_path: Path | None, python_client):
    # a database of its own: the year starts from nothing; the partner's receiver listens on loopback
    database = new_database()
    year = own_platform(database, WEBHOOKS_ALLOWED_NETWORKS="127.0.0.1/32")
    auth = auth_for(year)
    ops = auth("operator")
    writes: list[tuple[str, str, str]] = []  # (method, path, request id) of every write that was done

    def note_write(response: httpx.Response) -> None:
        if response.request.method not in ("GET", "HEAD") and response.is_success:
            writes.append((response.request.method, response.request.url.path, response.headers["x-request-id"]))

    api = httpx.Client(base_url=year.url(), timeout=60, event_hooks={"response": [note_write]})

    def ok(response: httpx.Response, status: int = 200) -> dict:
        assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
        return response.json() if response.content else {}

    # the participants' steps go through the client generated from the committed document (python_client), as a
    # partner's system would: its models make each request's body and read each answer
    from smartcity_client import Client
    from smartcity_client.api.mou import participants_sign_mous
    from smartcity_client.api.participants import (
        participants_apply,
        participants_assess,
        participants_list_participants,
        participants_read_history,
        participants_read_participant,
        participants_withdraw,
    )
    from smartcity_client.api.phases import participants_create_phase
    from smartcity_client.api.regions import (
        participants_import_regions,
        participants_import_statistics,
        participants_list_regions,
    )
    from smartcity_client.api.selection import participants_run_selection
    from smartcity_client.models import (
        ParticipantsApplicationIn,
        ParticipantsAssessmentIn,
        ParticipantsListRegionsLevelType0,
        ParticipantsParticipantStatus,
        ParticipantsPhaseIn,
        ParticipantsReasonIn,
        ParticipantsSelectionIn,
        ParticipantsSigningIn,
    )
    from smartcity_client.types import UNSET, File

    assert python_client.__name__ == "smartcity_client"
    clients: list[Client] = []  # closed at the end

    def client(headers: dict[str, str]) -> Client:
        made = Client(
            base_url=year.url(),
            headers=headers,
            timeout=httpx.Timeout(60),
            httpx_args={"event_hooks": {"response": [note_write]}},
        )
        clients.append(made)
        return made

    def done(response: Any, status: int = 200) -> Any:
        """The answer's model, once its status is the expected one."""
        assert response.status_code == status, f"{response.status_code}: {response.content.decode()}"
        return response.parsed

    operator = client(ops)

    def overview(**params: str) -> dict:
        response = api.get("/api/v1/reports/overview", params={"phase_code": phase, **params}, headers=ops)
        return {} if response.status_code == 404 else ok(response)  # 404 until the phase's first event arrives

    def reports_show(what: str, **expected: int) -> dict:
        """The overview of the phase, once the reports service has read what the year did (the feeds lag)."""

        def figures() -> dict:
            body = overview()
            if not body:
                return {}
            funnel = {f"reached_{r['step']}": r["reached"] for r in body["funnel"]}
            statuses = {r["status"]: r["participants"] for r in body["statuses"]}
            stages = {r["stage"]: r["tracks"] for r in body["stages"]}
            return {**body["summary"], **funnel, **statuses, **stages}

        seen: dict = {}

        def matches() -> bool:
            seen.update(figures())
            return all(seen.get(k) == v for k, v in expected.items())

        try:
            wait_until(matches, 90, f"the overview after {what}")
        except TimeoutError:
            raise AssertionError(f"after {what}: { ({k: seen.get(k) for k in expected}) } != {expected}") from None
        return overview()

    # a partner system's API key, whose webhook subscribes to every event before the year begins
    key = ok(api.post("/api/v1/api-keys", json={"name": "Bappenas", "role": "partner"}, headers=ops), 201)["key"]
    partner, receiver = {"X-API-Key": key}, Receiver()
    hook = ok(api.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["*"]}, headers=partner), 201)

    # regions: the official list where it exists, else a synthetic one
    csv = shared_regions_path.read_bytes() if shared_regions_path else synthetic_regions_csv()
    imported = done(
        participants_import_regions.sync_detailed(client=operator, body=File(io.BytesIO(csv), mime_type="text/csv"))
    )
    assert imported.created > 0 and imported.updated == imported.unchanged == 0
    regions: list[dict] = []
    cursor: str | None = None
    while True:
        page = done(
            participants_list_regions.sync_detailed(
                client=operator,
                level=ParticipantsListRegionsLevelType0.REGENCY_CITY,
                limit=200,
                cursor=cursor or UNSET,
            )
        )
        regions += [region.to_dict() for region in page.items]
        cursor = page.next_cursor
        if not cursor:
            break

    # the regions' population and area: the official figures where they exist, else made up
    if shared_regions_path:
        statistics = shared_regions_path.with_name("population_area.csv").read_bytes()
    else:
        statistics = (
            "code,population_male,population_female,population,area_km2\n"
            + "".join(
                f"{r['code']},{50_000 + i},{50_000 + i},{100_000 + 2 * i},{10 + i}.5\n" for i, r in enumerate(regions)
            )
        ).encode()
    counts = done(
        participants_import_statistics.sync_detailed(
            client=operator, body=File(io.BytesIO(statistics), mime_type="text/csv")
        )
    )
    assert counts.created >= len(regions) and counts.updated == 0
    population = {line.split(",")[0]: int(line.split(",")[3]) for line in statistics.decode().splitlines()[1:] if line}

    # 60 regions spread over the provinces and time zones, kota and kabupaten both
    def spread(kind: str, n: int) -> list[dict]:
        return sorted((r for r in regions if r["kind"] == kind), key=lambda r: (r["code"][3:], r["code"]))[:n]

    candidates = spread("kabupaten", 36) + spread("kota", 24)
    assert len(candidates) == 60

    today = date.today()
    opened = done(
        participants_create_phase.sync_detailed(
            client=operator,
            body=ParticipantsPhaseIn(
                code=f"{today.year}-T",
                name=f"Tahap {today.year}",
                year=today.year,
                quota=50,
                registration_opens_on=today - timedelta(days=30),
                registration_closes_on=today + timedelta(days=30),
            ),
        ),
        201,
    )
    phase = opened.code
    assert (phase, opened.quota, opened.registration_closes_on) == (f"{today.year}-T", 50, today + timedelta(days=30))

    participants: dict[str, dict] = {}
    for i, region in enumerate(candidates):
        code = region["code"]
        by_region = i < 10  # some apply themselves, for their own region only
        headers = auth("region", code) if by_region else ops
        body = {
            "region_code": code,
            "phase_code": phase,
            "contacts": [
                {
                    "role": "coordinator",
                    "name": f"Koordinator {code}",
                    "email": f"smartcity.{i}@example.go.id",
                    "phone": f"0812{i:08d}",
                }
            ],
        }
        # the document declares no Idempotency-Key parameter: a client of its own carries it as a header
        with client({**headers, "Idempotency-Key": f"apply-{code}"}) as applicant:
            applied = done(
                participants_apply.sync_detailed(client=applicant, body=ParticipantsApplicationIn.from_dict(body)), 201
            )
        assert applied.status == ParticipantsParticipantStatus.APPLIED
        assert applied.contacts[0].phone == f"+62812{i:08d}"
        participants[code] = applied.to_dict()
    reports_show("the applications", participants=60, taking_part=60, applied=60, reached_applied=60)
    # a region caller may not apply for another region
    other = candidates[0]["code"]
    refused = api.post(
        "/api/v1/participants",
        json={"region_code": other, "phase_code": phase, "contacts": participants[other]["contacts"]},
        headers=auth("region", candidates[1]["code"]),
    )
    assert refused.status_code == 403, refused.text

    # assessment: distinct scores, so the ranking is known in advance
    for i, region in enumerate(candidates):
        pid = participants[region["code"]]["id"]
        score = 40 + (i * 7) % 60  # a permutation of 40..99
        assessment = {
            "fiscal_capacity": score,
            "green_city_index": score,
            "government_performance_index": score,
            "sustainable_city_index": score if region["kind"] == "kota" else None,
            "infrastructure": score,
            "superstructure": score,
            "leadership_vision": score,
        }
        assessed = done(
            participants_assess.sync_detailed(
                UUID(pid), client=operator, body=ParticipantsAssessmentIn.from_dict(assessment)
            )
        )
        assert assessed.status == ParticipantsParticipantStatus.ASSESSED

    reports_show("the assessment", assessed=60, reached_assessed=60, applied=0)
    selection = done(
        participants_run_selection.sync_detailed(phase, client=operator, body=ParticipantsSelectionIn(dry_run=False))
    )
    assert (selection.selected, selection.waitlisted) == (50, 10)
    scores = [r.readiness_score for r in selection.ranking]
    assert scores == sorted(scores, reverse=True)
    assert {r.outcome for r in selection.ranking} == {
        ParticipantsParticipantStatus.SELECTED,
        ParticipantsParticipantStatus.WAITLISTED,
    }
    ranking = [r.to_dict() for r in selection.ranking]
    best_waitlisted = next(r for r in ranking if r["outcome"] == "waitlisted")

    # a selected region withdraws itself; the best waitlisted one moves up
    leaver = next(r for r in ranking if r["outcome"] == "selected")
    withdrawn = done(
        participants_withdraw.sync_detailed(
            UUID(leaver["participant_id"]),
            client=client(auth("region", leaver["region_code"])),
            body=ParticipantsReasonIn(reason="Anggaran daerah"),
        )
    )
    assert withdrawn.status == ParticipantsParticipantStatus.WITHDRAWN
    promoted = done(
        participants_read_participant.sync_detailed(UUID(best_waitlisted["participant_id"]), client=operator)
    )
    assert promoted.status == ParticipantsParticipantStatus.SELECTED
    history = done(participants_read_history.sync_detailed(UUID(best_waitlisted["participant_id"]), client=operator))
    assert history.items[-1].to == ParticipantsParticipantStatus.SELECTED

    reports_show("the selection", selected=50, waitlisted=9, withdrawn=1, reached_selected=51, taking_part=59)
    selected = [
        p.to_dict()
        for p in done(
            participants_list_participants.sync_detailed(
                client=operator, phase_code=phase, status=ParticipantsParticipantStatus.SELECTED, limit=200
            )
        ).items
    ]
    assert len(selected) == 50
    signing = {
        "signed_on": str(today),
        "venue": "Jakarta",
        "signatures": [
            {
                "participant_id": p["id"],
                "signatory_name": f"Kepala Daerah {p['region_code']}",
                "signatory_title": "Wali Kota" if p["kind"] == "kota" else "Bupati",
            }
            for p in selected
        ],
    }
    signed_mous = done(
        participants_sign_mous.sync_detailed(phase, client=operator, body=ParticipantsSigningIn.from_dict(signing)),
        201,
    )
    assert {s.participant_id for s in signed_mous.signatures} == {UUID(p["id"]) for p in selected}

    # tracks open by themselves; the participants follow into `mentoring`
    def all_tracks() -> list[dict]:
        return ok(api.get("/api/v1/tracks", params={"phase_code": phase, "limit": 200}, headers=ops))["items"]

    tracks = wait_until(lambda: (t := all_tracks()) and len(t) == 50 and t, 90, "50 tracks open")
    assert {t["participant_id"] for t in tracks} == {p["id"] for p in selected}
    wait_until(
        lambda: ok(api.get(f"/api/v1/phases/{phase}", headers=ops))["counts"]["mentoring"] == 50,
        90,
        "50 participants mentoring",
    )

    signed = reports_show(
        "the signing and the tracks",
        mous_signed=50,
        mentoring=50,
        reached_mentoring=50,
        tracks_opened=50,
        tracks_active=50,
        bimtek_1=50,
    )
    assert sum(p["participants"] for p in signed["provinces"]) == 60
    # people reached: the population of the 50 regions in mentoring, and of the 59 taking part
    assert signed["summary"]["population_reached"] == sum(population[p["region_code"]] for p in selected)
    leaver_population = population[leaver["region_code"]]
    assert (
        signed["summary"]["population_taking_part"]
        == sum(population[c["code"]] for c in candidates) - leaver_population
    )
    assert sum(z["mentoring"] for z in signed["time_zones"]) == 50

    # one region goes all the way
    star = next(p for p in selected if p["kind"] == "kota")
    code = star["region_code"]
    track = next(t for t in tracks if t["participant_id"] == star["id"])
    region_headers = auth("region", code)
    mentor = ok(
        api.post(
            "/api/v1/mentors",
            json={
                "name": "Dr. Suhono Harso Supangkat",
                "email": "mentor.itb@example.ac.id",
                "organization": "ITB",
                "expertise": ["governance", "living"],
                "home_region_code": None,
                "max_tracks": 5,
            },
            headers=ops,
        ),
        201,
    )
    ok(api.post(f"/api/v1/tracks/{track['id']}/mentors", json={"mentor_id": mentor["id"]}, headers=ops), 201)
    mentor_headers = auth("mentor", subject=mentor["email"])
    curriculum = {s["code"]: s for s in ok(api.get("/api/v1/curriculum", headers=region_headers))["items"]}
    assert list(curriculum) == STAGES

    first_day = today + timedelta(days=14)
    for number, stage in enumerate(STAGES):
        starts = f"{first_day + timedelta(days=30 * number)}T09:00:00+07:00"
        ends = f"{first_day + timedelta(days=30 * number + 1)}T16:00:00+07:00"
        workshop = ok(
            api.post(
                "/api/v1/sessions",
                json={
                    "stage": stage,
                    "title": f"Bimtek {number + 1}",
                    "starts_at": starts,
                    "ends_at": ends,
                    "mode": "offline",
                    "venue": "Jakarta",
                    "track_ids": [t["id"] for t in tracks],
                    "mentor_ids": [mentor["id"]],
                },
                headers=ops,
            ),
            201,
        )
        assert workshop["starts_at"] == starts
        ok(
            api.put(
                f"/api/v1/sessions/{workshop['id']}/attendance",
                json=[{"track_id": track["id"], "present": True, "attendees": ["Kepala Diskominfo", "Kepala Bappeda"]}],
                headers=mentor_headers,
            )
        )
        for kind in curriculum[stage]["required_deliverables"]:
            name, data = (
                (f"{kind}.docx", docx_bytes(kind)) if kind == "quick_win_list" else (f"{kind}.pdf", pdf_bytes(kind))
            )
            document = ok(
                api.post(
                    "/api/v1/documents",
                    data={"region_code": code, "kind": kind, "title": kind},
                    files={"file": (name, data, "application/octet-stream")},
                    headers=region_headers,
                ),
                201,
            )
            expected = (
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                if name.endswith(".docx")
                else "application/pdf"
            )
            assert document["content_type"] == expected
            deliverable = ok(
                api.post(
                    f"/api/v1/tracks/{track['id']}/deliverables",
                    json={"kind": kind, "document_id": document["id"]},
                    headers=region_headers,
                ),
                201,
            )
            assert deliverable["status"] == "submitted"
            reviewed = ok(
                api.post(
                    f"/api/v1/deliverables/{deliverable['id']}/review",
                    json={"decision": "approved", "comment": "Baik"},
                    headers=mentor_headers,
                )
            )
            assert reviewed["status"] == "approved"
        if stage == "bimtek_4":
            ok(
                api.put(
                    f"/api/v1/tracks/{track['id']}/masterplan", json=master_plan(today.year), headers=region_headers
                ),
                201,
            )
            ok(api.post(f"/api/v1/tracks/{track['id']}/masterplan/approve", json={}, headers=ops))
        advanced = ok(api.post(f"/api/v1/tracks/{track['id']}/advance", json={}, headers=ops))
        assert advanced["stage"] == (STAGES[number + 1] if number < 3 else "bimtek_4")
    assert ok(api.get(f"/api/v1/tracks/{track['id']}", headers=region_headers))["status"] == "completed"
    wait_until(
        lambda: ok(api.get(f"/api/v1/participants/{star['id']}", headers=region_headers))["status"] == "completed",
        90,
        "the participant completed",
    )
    final = reports_show(
        "the completion",
        completed=1,
        mentoring=49,
        reached_completed=1,
        tracks_completed=1,
        tracks_active=49,
        bimtek_1=49,
        completion_rate=0.02,
    )
    # the spreadsheet and the CSV say what the JSON says
    book = openpyxl.load_workbook(
        io.BytesIO(
            api.get("/api/v1/reports/overview", params={"phase_code": phase, "format": "xlsx"}, headers=ops).content
        )
    )
    assert [c.value for c in book["summary"][2]] == list(final["summary"].values())
    assert [[c.value for c in row] for row in book["funnel"].iter_rows(min_row=2)] == [
        list(r.values()) for r in final["funnel"]
    ]
    csv_text = api.get(
        "/api/v1/reports/overview",
        params={"phase_code": phase, "table": "statuses"},
        headers={**ops, "Accept": "text/csv"},
    ).text
    assert csv_text.splitlines()[1:] == [
        f"{r['status']},{r['label']},{r['participants']},{r['population']}" for r in final["statuses"]
    ]
    # the star region reads its own figures only; a rebuild from the feeds gives the same figures
    own = ok(api.get("/api/v1/reports/overview", params={"phase_code": phase}, headers=region_headers))
    assert (own["scope"]["region_code"], own["summary"]["participants"], own["summary"]["tracks_completed"]) == (
        code,
        1,
        1,
    )
    rebuilt = subprocess.run([str(BIN / "reports-rebuild")], env=year.environ(), capture_output=True, text=True)
    assert rebuilt.returncode == 0, rebuilt.stderr
    wait_until(lambda: overview() == final, 90, "the rebuilt figures")  # the live replica may finish the replay

    plan = ok(api.get(f"/api/v1/tracks/{track['id']}/masterplan", headers=auth("partner")))
    assert plan["roadmap"]

    # the partner's API key reads everything and changes nothing
    for path in (
        "/api/v1/regions",
        "/api/v1/phases",
        "/api/v1/participants",
        "/api/v1/tracks",
        "/api/v1/mentors",
        "/api/v1/sessions",
        "/api/v1/documents",
        "/api/v1/events/participants",
        "/api/v1/events/mentoring",
        "/api/v1/events/documents",
        "/api/v1/reports/overview",
        f"/api/v1/participants/{star['id']}",
        f"/api/v1/tracks/{track['id']}",
    ):
        assert api.get(path, headers=partner).status_code == 200, path
    for method, path, body in (
        ("POST", "/api/v1/phases", {"code": "X"}),
        ("POST", "/api/v1/participants", {}),
        ("PATCH", f"/api/v1/participants/{star['id']}", {"contacts": []}),
        ("POST", f"/api/v1/participants/{star['id']}/withdraw", {"reason": "x"}),
        ("POST", "/api/v1/mentors", {}),
        ("POST", f"/api/v1/tracks/{track['id']}/advance", {}),
        ("PUT", f"/api/v1/tracks/{track['id']}/masterplan", {}),
        ("DELETE", "/api/v1/documents/x", None),
    ):
        assert api.request(method, path, json=body, headers=partner).status_code == 403, (method, path)

    # every region caller is refused everything of other regions
    stranger = auth("region", next(p["region_code"] for p in selected if p["region_code"] != code))
    documents = ok(api.get("/api/v1/documents", params={"region_code": code}, headers=ops))["items"]
    for path in (
        f"/api/v1/participants/{star['id']}",
        f"/api/v1/participants/{star['id']}/history",
        f"/api/v1/tracks/{track['id']}",
        f"/api/v1/tracks/{track['id']}/masterplan",
        f"/api/v1/documents/{documents[0]['id']}",
        f"/api/v1/documents/{documents[0]['id']}/content",
    ):
        assert api.get(path, headers=stranger).status_code == 404, path
    assert api.get("/api/v1/reports/overview", params={"region_code": code}, headers=stranger).status_code == 404
    assert ok(api.get("/api/v1/participants", params={"region_code": code}, headers=stranger))["items"] == []
    assert ok(api.get("/api/v1/documents", params={"region_code": code}, headers=stranger))["items"] == []
    intruder = {
        "contacts": [{"role": "coordinator", "name": "Penyusup", "email": "x@example.go.id", "phone": "081234567890"}]
    }
    patched = api.patch(f"/api/v1/participants/{star['id']}", json=intruder, headers={**stranger, "If-Match": '"x"'})
    assert patched.status_code == 404, patched.text

    # the partner's webhook got every event of the year, in each feed's order, each signed and as the feed has it
    feeds = {f: feed_events(api, f, partner) for f in year.services if f in FEED_SERVICES}
    expected = {f"evt_{f}_{e['id']}": e for f, events in feeds.items() for e in events}
    wait_until(lambda: set(receiver.ids()) >= set(expected), 120, "every event at the partner's webhook")
    for f, events in feeds.items():
        arrived = [i for i in dict.fromkeys(receiver.ids()) if i in expected and i.startswith(f"evt_{f}_")]
        assert arrived == [f"evt_{f}_{e['id']}" for e in events], f
    for request in (r for r in receiver.received if r.headers["webhook-id"] in expected):
        event, body = expected[request.headers["webhook-id"]], json.loads(request.body)
        assert verify(hook["secret"], request.headers, request.body) == [True]
        assert (body["type"], body["data"]) == (event["type"], event["data"])
        assert datetime.fromisoformat(body["timestamp"]) == datetime.fromisoformat(event["occurred_at"])
    receiver.close()

    # every event of the year is valid under its type's schema in the catalogue; a type without one fails
    catalogue = {t["type"]: t for t in ok(api.get("/api/v1/event-types", headers=partner))["items"]}
    for f, events in feeds.items():
        for event in events:
            assert event["type"] in catalogue, f"{event['type']} ({f}) has no schema in the catalogue"
            entry = catalogue[event["type"]]
            assert entry["service"] == f, event["type"]
            checker = Draft202012Validator(entry["schema"], format_checker=Draft202012Validator.FORMAT_CHECKER)
            errors = [f"{e.json_path}: {e.message}" for e in checker.iter_errors(event["data"])]
            assert errors == [], (event["type"], errors)
    recorded = {event["type"] for events in feeds.values() for event in events}
    assert recorded >= {
        "phase.created",
        "region.statistics_updated",
        "participant.applied",
        "participant.assessed",
        "participant.status_changed",
        "mou.signed",
        "mentor.created",
        "track.opened",
        "track.mentor_assigned",
        "session.scheduled",
        "session.attendance_recorded",
        "deliverable.submitted",
        "deliverable.reviewed",
        "track.stage_advanced",
        "masterplan.saved",
        "masterplan.approved",
        "track.completed",
        "document.created",
        "portfolio.created",
    }, sorted(recorded)

    # the reports service read mentoring's events as mentoring wrote them: its reports count what the events say
    def of(type_: str) -> list[dict]:
        return [e["data"] for e in feeds["mentoring"] if e["type"] == type_]

    removed = {(d["track_id"], d["mentor_id"]) for d in of("track.mentor_removed")}
    assigned = {(d["track_id"], d["mentor_id"]) for d in of("track.mentor_assigned")} - removed
    expected_work = {
        "deliverables_submitted": len(of("deliverable.submitted")),
        "approved": sum(d["decision"] == "approved" for d in of("deliverable.reviewed")),
        "attendance_recorded": len({(d["session_id"], d["track_id"]) for d in of("session.attendance_recorded")}),
        "mentors": len(of("mentor.created")),
        "tracks_with_mentor": len({track for track, _ in assigned}),
    }
    expected_plans = {
        "plans_approved": len(of("masterplan.approved")),
        "initiatives": sum(len(d["initiatives"]) for d in of("masterplan.approved")),
    }
    assert min(expected_work.values()) > 0 and min(expected_plans.values()) > 0, (expected_work, expected_plans)

    def summary(report: str, keys: dict) -> dict:
        response = api.get(f"/api/v1/reports/{report}", params={"phase_code": phase}, headers=ops)
        body = response.json()["summary"] if response.status_code == 200 else {}
        return {k: body.get(k) for k in keys}

    wait_until(lambda: summary("mentoring", expected_work) == expected_work, 90, "the mentoring report")
    wait_until(lambda: summary("masterplans", expected_plans) == expected_plans, 90, "the master plans report")

    # a region reads the feeds too: the events that name its own region, in the feed's order, and nothing else
    own = auth("region", code)
    for f, events in feeds.items():
        mine = feed_events(api, f, own)
        assert {e["data"].get("region_code") for e in mine} == {code}, f
        known = {e["id"] for e in events}  # what the partner read before (the monitoring feed may have grown since)
        assert [e for e in mine if e["id"] in known] == [e for e in events if e["data"].get("region_code") == code], f
    assert {e["type"] for e in feed_events(api, "participants", own)} >= {"participant.applied", "participant.assessed"}

    audit_shows_every_write(api, auth("auditor"), writes, secrets=[key, hook["secret"]])
    sealed = subprocess.run(
        [BIN / "smartcity-audit", "verify"],
        env={**os.environ, "DATABASE_URL": database},
        capture_output=True,
        text=True,
    )
    assert sealed.returncode == 0, sealed.stdout + sealed.stderr
    assert len(sealed.stdout.splitlines()) == 6, sealed.stdout  # five services and the gateway, each intact
    api.close()
    for made in clients:
        made.get_httpx_client().close()


TRAILS = ("participants", "mentoring", "documents", "monitoring", "webhooks", "gateway")


def audit_shows_every_write(api: httpx.Client, auditor: dict[str, str], writes: list, secrets: list[str]) -> None:
    """Each write request has an entry in the trail of the service it went to; no entry holds a secret."""
    trails: dict[str, list[dict]] = {}
    for service in TRAILS:
        trails[service], cursor = [], None
        while True:
            params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            response = api.get(f"/api/v1/audit/{service}", params=params, headers=auditor)
            assert response.status_code == 200, response.text
            page = response.json()
            trails[service] += page["items"]
            cursor = page["next_cursor"]
            if not cursor:
                break
    recorded = defaultdict(list)
    for service, entries in trails.items():
        for entry in entries:
            recorded[(service, entry["request_id"])].append(entry)
    written = {owner_of(p) or "gateway" for _, p, _ in writes}
    assert written >= {"participants", "mentoring", "documents", "webhooks", "gateway"}, written
    unrecorded = [(m, p) for m, p, rid in writes if not recorded[(owner_of(p) or "gateway", rid)]]
    assert unrecorded == [], f"{len(unrecorded)} of {len(writes)} writes left no audit entry"
    for entry in (e for entries in trails.values() for e in entries if e["action"] == "update"):
        assert entry["changes"], entry
        for field, change in entry["changes"].items():
            assert change["before"] != change["after"], (entry["resource"], field)
    text = json.dumps(trails)
    for secret in secrets:
        for form in (secret, hashlib.sha256(secret.encode()).hexdigest(), secret.split("_", 1)[1]):
            assert form not in text
    assert "eyJ" not in text  # no token and no signed identity (a JWT's header starts so)
    # the auditor writes nothing anywhere
    for method, path in (("POST", "/api/v1/phases"), ("POST", "/api/v1/api-keys"), ("PATCH", "/api/v1/webhooks/x")):
        assert api.request(method, path, json={}, headers=auditor).status_code == 403, (method, path)
