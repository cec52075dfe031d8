"""A workshop's rules, every broken one named at once: its times, mode, stage, tracks and mentors; the clashes
with other workshops; the attendance of its tracks. Pure: the service reads what they need from the database."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import timedelta

from smartcity_kit.problemtypes import FieldError
from smartcity_vocabulary import TrackStatus

from ..vocabulary import WorkshopMode
from .schemas import AttendanceIn, SessionIn

MAX_LENGTH = timedelta(days=14)


def workshop_problems(
    data: SessionIn,
    stages: Sequence[str],
    track_statuses: Mapping[uuid.UUID, str],
    known_mentors: set[uuid.UUID],
) -> list[FieldError]:
    """What is wrong with `data`; `stages` lists the curriculum's when its stage is not one of them (else empty),
    `track_statuses` the status of each of its tracks that exists, `known_mentors` those of its mentors that do."""
    errors: list[FieldError] = []
    if stages:
        errors.append(
            FieldError(
                "stage",
                "unknown_stage",
                "'{stage}' is not a stage of the curriculum; one of {stages}.",
                {"stage": data.stage, "stages": ", ".join(stages)},
            )
        )
    if data.ends_at <= data.starts_at:
        errors.append(FieldError("ends_at", "ends_before_start", "Ends at or before it starts."))
    elif data.ends_at - data.starts_at > MAX_LENGTH:
        errors.append(
            FieldError(
                "ends_at", "workshop_too_long", "A workshop lasts at most {days} days.", {"days": MAX_LENGTH.days}
            )
        )
    if data.mode == WorkshopMode.OFFLINE and not data.venue:
        errors.append(FieldError("venue", "required", "An offline workshop needs a venue."))
    if data.mode == WorkshopMode.ONLINE and not data.url:
        errors.append(FieldError("url", "required", "An online workshop needs a url."))
    if len(set(data.track_ids)) != len(data.track_ids):
        errors.append(FieldError("track_ids", "duplicate", "Each track once."))
    if len(set(data.mentor_ids)) != len(data.mentor_ids):
        errors.append(FieldError("mentor_ids", "duplicate", "Each mentor once."))
    for i, track_id in enumerate(data.track_ids):
        status = track_statuses.get(track_id)
        if status is None:
            errors.append(
                FieldError(
                    f"track_ids[{i}]", "unknown_track", "No track has the id {track_id}.", {"track_id": track_id}
                )
            )
        elif status != TrackStatus.ACTIVE:
            errors.append(
                FieldError(
                    f"track_ids[{i}]",
                    "track_not_active",
                    "The track {track_id} is {status}.",
                    {"track_id": track_id, "status": status},
                )
            )
    for i, mentor_id in enumerate(data.mentor_ids):
        if mentor_id not in known_mentors:
            errors.append(
                FieldError(
                    f"mentor_ids[{i}]", "unknown_mentor", "No mentor has the id {mentor_id}.", {"mentor_id": mentor_id}
                )
            )
    return errors


def clash_problems(
    data: SessionIn,
    busy_tracks: Sequence[tuple[uuid.UUID, uuid.UUID]],
    busy_mentors: Sequence[tuple[uuid.UUID, uuid.UUID]],
) -> list[FieldError]:
    """Each of the workshop's tracks and mentors that another workshop (track or mentor, that workshop's id)
    holds at an overlapping time, named where `data` names it."""
    track_at = {t: i for i, t in enumerate(data.track_ids)}
    mentor_at = {m: i for i, m in enumerate(data.mentor_ids)}
    clashes = [
        FieldError(
            f"track_ids[{track_at[t]}]",
            "busy",
            "The track {track_id} is in session {session_id} then.",
            {"track_id": t, "session_id": w},
        )
        for t, w in busy_tracks
    ]
    clashes += [
        FieldError(
            f"mentor_ids[{mentor_at[m]}]",
            "busy",
            "The mentor {mentor_id} is in session {session_id} then.",
            {"mentor_id": m, "session_id": w},
        )
        for m, w in busy_mentors
    ]
    return clashes


def attendance_problems(rows: Sequence[AttendanceIn], members: set[uuid.UUID]) -> list[FieldError]:
    """What is wrong with the attendance `rows` of a workshop whose tracks are `members`."""
    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for i, row in enumerate(rows):
        if row.track_id not in members:
            errors.append(
                FieldError(
                    f"[{i}].track_id",
                    "track_not_in_session",
                    "The track {track_id} is not in this session.",
                    {"track_id": row.track_id},
                )
            )
        if row.track_id in seen:
            errors.append(FieldError(f"[{i}].track_id", "duplicate", "Each track once."))
        seen.add(row.track_id)
        if not row.present and row.attendees:
            errors.append(
                FieldError(f"[{i}].attendees", "attendees_of_absent", "Nobody attended a track marked absent.")
            )
    return errors
