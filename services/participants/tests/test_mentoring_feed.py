"""Following mentoring's feed: track.opened -> mentoring, track.completed -> completed, each event once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from participants.applications.consumer import apply_mentoring_event
from participants.applications.models import Participant, StatusChange
from participants.database import events
from smartcity_kit.outbox import Event


def event(n: int, type_: str, participant_id: str, track_id: str) -> Event:
    return Event(
        id=n,
        type=type_,
        occurred_at=datetime.now(UTC),
        subject=f"tracks/{track_id}",
        data={"track_id": track_id, "participant_id": participant_id},
    )


async def test_tracks_move_participants_once(session, as_role, regions, make_phase, apply, assess, client):
    await make_phase("2018", quota=1)
    participant = (await apply("32.73")).json()
    await assess(participant)
    operator = as_role("operator")
    await client.post("/api/v1/phases/2018/selection", json={"dry_run": False}, headers=operator)
    signing = {
        "signed_on": "2018-05-08",
        "venue": "Jakarta",
        "signatures": [{"participant_id": participant["id"], "signatory_name": "Wali", "signatory_title": "Wali Kota"}],
    }
    assert (await client.post("/api/v1/phases/2018/mou-signings", json=signing, headers=operator)).status_code == 201
    pid, track = participant["id"], str(uuid.uuid4())

    async def status() -> str:
        stmt = sa.select(Participant.status).where(Participant.id == uuid.UUID(pid))
        return (await session.execute(stmt.execution_options(populate_existing=True))).scalar()

    # completed before opened (out of order) and unknown participants change nothing
    await apply_mentoring_event(session, event(1, "track.completed", pid, track))
    await apply_mentoring_event(session, event(2, "track.opened", str(uuid.uuid4()), track))
    await apply_mentoring_event(session, event(3, "track.stage_advanced", pid, track))
    await apply_mentoring_event(
        session, Event(id=4, type="track.opened", occurred_at=datetime.now(UTC), subject="x", data={})
    )
    assert await status() == "mou_signed"
    for n in (5, 5, 6):  # seen twice
        await apply_mentoring_event(session, event(n, "track.opened", pid, track))
    assert await status() == "mentoring"
    for n in (7, 7):
        await apply_mentoring_event(session, event(n, "track.completed", pid, track))
    assert await status() == "completed"
    history = (await client.get(f"/api/v1/participants/{pid}/history", headers=as_role("partner"))).json()["items"]
    assert [(h["to"], h["actor"], h["reason"]) for h in history[-2:]] == [
        ("mentoring", "service:mentoring", f"Mentoring track {track} opened."),
        ("completed", "service:mentoring", f"Mentoring track {track} completed."),
    ]
    assert (await session.execute(sa.select(sa.func.count()).select_from(StatusChange))).scalar() == 6
    last = (await session.execute(sa.select(events.c.data).order_by(events.c.id.desc()).limit(1))).scalar()
    assert (last["from"], last["to"], last["track_id"]) == ("mentoring", "completed", track)
    withdraw = await client.post(f"/api/v1/participants/{pid}/withdraw", json={"reason": "x"}, headers=operator)
    assert (withdraw.status_code, withdraw.json()["current_status"]) == (409, "completed")
