"""The mentoring and master plans reports from the mentoring feed: deliverables and their waits, workshops and
attendance, mentors' load, initiatives per dimension and element, horizons."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import openpyxl

NOW = datetime.now(UTC)


def mentor(feeds, name: str, max_tracks: int) -> str:
    mid = str(uuid.uuid4())
    feeds.add(
        "mentoring",
        "mentor.created",
        f"mentors/{mid}",
        {
            "mentor_id": mid,
            "name": name,
            "organization": "ITB",
            "expertise": ["governance"],
            "home_region_code": None,
            "max_tracks": max_tracks,
            "created_at": NOW.isoformat(),
        },
    )
    return mid


def deliverable(
    feeds,
    track: dict,
    kind: str,
    submitted: datetime,
    decision: str | None = None,
    supersedes: str | None = None,
    stage: str = "bimtek_1",
) -> str:
    did = str(uuid.uuid4())
    facts = {"deliverable_id": did, "stage": stage, "kind": kind, "document_id": str(uuid.uuid4())}
    feeds.on_track(
        "deliverable.submitted",
        track,
        f"deliverables/{did}",
        **facts,
        supersedes_id=supersedes,
        submitted_at=submitted.isoformat(),
        submitted_by="region:x",
    )
    if decision:
        feeds.on_track(
            "deliverable.reviewed",
            track,
            f"deliverables/{did}",
            **facts,
            decision=decision,
            comment=None,
            reviewed_at=(submitted + timedelta(days=1)).isoformat(),
            reviewed_by="mentor:x",
        )
    return did


def workshop(feeds, tracks: list[dict], stage: str, starts: datetime, present: dict[str, bool]) -> str:
    sid = str(uuid.uuid4())
    for track in tracks:
        feeds.on_track(
            "session.scheduled",
            track,
            f"sessions/{sid}",
            session_id=sid,
            stage=stage,
            title=stage,
            starts_at=starts.isoformat(),
            ends_at=(starts + timedelta(days=1)).isoformat(),
            mode="offline",
            venue="Jakarta",
            url=None,
            mentor_ids=[],
            scheduled_by="operator:x",
        )
    for track in tracks:
        if track["track_id"] in present:
            feeds.on_track(
                "session.attendance_recorded",
                track,
                f"sessions/{sid}",
                session_id=sid,
                stage=stage,
                present=present[track["track_id"]],
                attendees=[],
                recorded_by="mentor:x",
            )
    return sid


def plan(feeds, track: dict, start: int, end: int, dimensions: list[tuple[str, str, bool]]) -> None:
    initiatives = [
        {
            "id": str(uuid.uuid4()),
            "index": i,
            "dimension": d,
            "element": e,
            "title": f"I{i}",
            "benefit": "b",
            "beneficiaries": "w",
            "kpi": None,
            "technology": None,
            "start_year": start,
            "end_year": start + 1,
            "quick_win": q,
            "lead_agency": None,
        }
        for i, (d, e, q) in enumerate(dimensions)
    ]
    feeds.on_track(
        "masterplan.approved",
        track,
        f"tracks/{track['track_id']}/masterplan",
        version=2,
        approved_at=NOW.isoformat(),
        approved_by="operator:x",
        vision="v",
        horizon_start_year=start,
        horizon_end_year=end,
        initiatives=initiatives,
    )


def programme(feeds) -> dict[str, dict]:
    tracks = {}
    for region in ("32.73", "32.71", "73.71"):
        pid = feeds.walk(region, "2027", "applied", "assessed", "selected", "mou_signed", "mentoring")
        tracks[region] = feeds.track_facts(feeds.track(pid, region, "2027"))
    ani, budi = mentor(feeds, "Ani", 2), mentor(feeds, "Budi", 4)
    for region, who in (("32.73", ani), ("32.71", ani), ("73.71", budi), ("32.73", budi)):
        feeds.on_track("track.mentor_assigned", tracks[region], "tracks/x", mentor_id=who, assigned_by="operator:x")
    feeds.on_track("track.mentor_removed", tracks["32.73"], "tracks/x", mentor_id=budi, removed_by="operator:x")
    # deliverables: approved, sent back then replaced and waiting, waiting 3, 10 and 40 days
    deliverable(feeds, tracks["32.73"], "readiness_report", NOW - timedelta(days=20), "approved")
    first = deliverable(feeds, tracks["32.71"], "readiness_report", NOW - timedelta(days=12), "changes_requested")
    deliverable(feeds, tracks["32.71"], "readiness_report", NOW - timedelta(days=10), supersedes=first)
    deliverable(feeds, tracks["73.71"], "readiness_report", NOW - timedelta(days=40))
    deliverable(feeds, tracks["73.71"], "minutes", NOW - timedelta(days=3))
    all_three = list(tracks.values())
    workshop(
        feeds,
        all_three,
        "bimtek_1",
        NOW - timedelta(days=30),
        {tracks["32.73"]["track_id"]: True, tracks["32.71"]["track_id"]: True, tracks["73.71"]["track_id"]: False},
    )
    workshop(feeds, all_three, "bimtek_2", NOW + timedelta(days=30), {})
    plan(
        feeds,
        tracks["32.73"],
        2027,
        2031,
        [
            ("governance", "service", True),
            ("governance", "policy", False),
            ("living", "health", True),
            ("economy", "welfare", True),
        ],
    )
    plan(feeds, tracks["73.71"], 2027, 2036, [("environment", "waste", False), ("governance", "service", True)])
    return tracks


async def test_the_mentoring_report(feeds, catch_up, client, as_role):
    programme(feeds)
    await catch_up()
    response = await client.get("/api/v1/reports/mentoring?phase_code=2027", headers=as_role("operator"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {
        "deliverables_submitted": 5,
        "approved": 1,
        "changes_requested": 0,  # the one sent back was replaced: its kind waits again
        "waiting": 3,
        "oldest_wait_days": 40,
        "workshops_held": 1,
        "attendance_recorded": 3,
        "attendance_rate": 0.6667,
        "mentors": 2,
        "tracks_with_mentor": 3,
    }
    assert [(r["kind"], r["submitted"], r["approved"], r["waiting"]) for r in body["deliverables"]] == [
        ("minutes", 1, 0, 1),
        ("readiness_report", 4, 1, 2),
    ]
    assert (
        body["deliverables"][1]["waiting_since"]
        == (NOW - timedelta(days=40)).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta")).date().isoformat()
    )
    assert [(r["age"], r["label"], r["deliverables"]) for r in body["waiting_by_age"]] == [
        ("0-7", "0-7 hari", 1),
        ("8-14", "8-14 hari", 1),
        ("15-30", "15-30 hari", 0),
        ("31+", "lebih dari 30 hari", 1),
    ]
    assert [
        (r["stage"], r["workshops"], r["invited_tracks"], r["recorded"], r["present"]) for r in body["workshops"]
    ] == [
        ("bimtek_1", 1, 3, 3, 2),
        ("bimtek_2", 0, 3, 0, 0),
        ("bimtek_3", 0, 0, 0, 0),
        ("bimtek_4", 0, 0, 0, 0),
    ]
    assert [(m["name"], m["max_tracks"], m["active_tracks"], m["load_rate"]) for m in body["mentors"]] == [
        ("Ani", 2, 2, 1.0),
        ("Budi", 4, 1, 0.25),
    ]
    region = (await client.get("/api/v1/reports/mentoring", headers=as_role("region", "73.71"))).json()
    assert region["summary"]["waiting"] == 2 and [m["name"] for m in region["mentors"]] == ["Budi"]
    book = openpyxl.load_workbook(
        io.BytesIO((await client.get("/api/v1/reports/mentoring?format=xlsx", headers=as_role("partner"))).content)
    )
    assert book.sheetnames == ["summary", "deliverables", "waiting_by_age", "workshops", "mentors"]
    assert book["mentors"]["F3"].value == 0.25 and book["mentors"]["F3"].number_format == "0.0%"


async def test_the_master_plans_report_and_its_chart(feeds, catch_up, client, as_role):
    programme(feeds)
    await catch_up()
    body = (await client.get("/api/v1/reports/masterplans", headers=as_role("partner"))).json()
    assert body["summary"] == {
        "plans_approved": 2,
        "initiatives": 6,
        "quick_wins": 4,
        "average_initiatives": 3.0,
        "average_horizon_years": 7.5,  # 2027-2031 is 5 years, 2027-2036 is 10
    }
    assert [
        (d["dimension"], d["label"], d["initiatives"], d["quick_wins"], d["plans"]) for d in body["dimensions"]
    ] == [
        ("governance", "Smart Governance", 3, 2, 2),
        ("branding", "Smart Branding", 0, 0, 0),
        ("economy", "Smart Economy", 1, 1, 1),
        ("living", "Smart Living", 1, 1, 1),
        ("society", "Smart Society", 0, 0, 0),
        ("environment", "Smart Environment", 1, 0, 1),
    ]
    assert len(body["elements"]) == 18
    assert {(e["element"], e["initiatives"]) for e in body["elements"] if e["initiatives"]} == {
        ("service", 2),
        ("policy", 1),
        ("welfare", 1),
        ("health", 1),
        ("waste", 1),
    }
    assert body["horizons"] == [{"years": 5, "plans": 1}, {"years": 10, "plans": 1}]
    rows = list(
        csv.reader(
            io.StringIO(
                (
                    await client.get(
                        "/api/v1/reports/masterplans?format=csv&table=horizons", headers=as_role("partner")
                    )
                ).text
            )
        )
    )
    assert rows == [["years", "plans"], ["5", "1"], ["10", "1"]]
    chart = await client.get("/api/v1/reports/charts/initiatives.svg", headers=as_role("partner"))
    assert chart.status_code == 200 and b"Inisiatif per dimensi" in chart.content
    assert b"Smart Governance (2 quick win)" in chart.content
    waiting = await client.get("/api/v1/reports/charts/waiting.svg?lang=en", headers=as_role("partner"))
    assert b"Deliverables waiting for review, by age" in waiting.content and b"over 30 days" in waiting.content


async def test_reports_of_nothing_are_zeros(feeds, client, as_role):
    mentoring = (await client.get("/api/v1/reports/mentoring", headers=as_role("operator"))).json()
    assert mentoring["summary"]["oldest_wait_days"] == 0 and mentoring["mentors"] == []
    plans = (await client.get("/api/v1/reports/masterplans", headers=as_role("operator"))).json()
    assert plans["summary"]["average_horizon_years"] == 0.0 and plans["horizons"] == []
    assert len(plans["dimensions"]) == 6
