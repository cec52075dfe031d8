"""The workshop rules alone (workshops/validation.py): each broken rule's field and code, every one at once."""

from __future__ import annotations

import uuid

import pytest
from mentoring.workshops.schemas import AttendanceIn, SessionIn
from mentoring.workshops.validation import attendance_problems, clash_problems, workshop_problems

TRACK, OTHER, MENTOR = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def session_in(**overrides: object) -> SessionIn:
    body = {
        "stage": "bimtek_1",
        "title": "Bimtek I, Jakarta",
        "starts_at": "2018-07-10T08:30:00+07:00",
        "ends_at": "2018-07-11T17:00:00+07:00",
        "mode": "offline",
        "venue": "Hotel Borobudur, Jakarta",
        "track_ids": [str(TRACK)],
        "mentor_ids": [str(MENTOR)],
        **overrides,
    }
    return SessionIn.model_validate(body)


def codes(data: SessionIn, statuses: dict[uuid.UUID, str] | None = None) -> list[tuple[str, str]]:
    problems = workshop_problems(data, [], {TRACK: "active"} if statuses is None else statuses, {MENTOR})
    return [(p.field, p.code) for p in problems]


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, []),
        ({"ends_at": "2018-07-10T08:30:00+07:00"}, [("ends_at", "ends_before_start")]),
        ({"ends_at": "2018-07-24T08:30:00+07:00"}, []),  # 14 days exactly
        ({"ends_at": "2018-07-24T08:31:00+07:00"}, [("ends_at", "workshop_too_long")]),
        ({"venue": None}, [("venue", "required")]),
        ({"mode": "online", "venue": None}, [("url", "required")]),
        ({"mode": "online", "url": "https://zoom.example/j/1"}, []),
        ({"track_ids": [str(TRACK), str(TRACK)]}, [("track_ids", "duplicate")]),
        ({"mentor_ids": [str(MENTOR), str(MENTOR)]}, [("mentor_ids", "duplicate")]),
        ({"track_ids": [str(TRACK), str(OTHER)]}, [("track_ids[1]", "unknown_track")]),
        ({"mentor_ids": [str(uuid.uuid4())]}, [("mentor_ids[0]", "unknown_mentor")]),
    ],
)
def test_each_rule_names_its_field_and_code(overrides, expected):
    assert codes(session_in(**overrides)) == expected


def test_a_closed_track_and_an_unknown_stage_are_named_with_every_other_problem():
    data = session_in(stage="bimtek_9", venue=None)
    problems = workshop_problems(data, ["bimtek_1", "bimtek_2"], {TRACK: "withdrawn"}, set())
    assert [(p.field, p.code, p.render("en")["message"]) for p in problems] == [
        ("stage", "unknown_stage", "'bimtek_9' is not a stage of the curriculum; one of bimtek_1, bimtek_2."),
        ("venue", "required", "An offline workshop needs a venue."),
        ("track_ids[0]", "track_not_active", f"The track {TRACK} is withdrawn."),
        ("mentor_ids[0]", "unknown_mentor", f"No mentor has the id {MENTOR}."),
    ]


def test_a_clash_is_named_where_the_request_names_the_track_or_mentor():
    busy_session = uuid.uuid4()
    data = session_in(track_ids=[str(OTHER), str(TRACK)])
    problems = clash_problems(data, [(TRACK, busy_session)], [(MENTOR, busy_session)])
    assert [(p.field, p.code) for p in problems] == [("track_ids[1]", "busy"), ("mentor_ids[0]", "busy")]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([{"track_id": TRACK, "present": True, "attendees": ["Sekda"]}], []),
        ([{"track_id": OTHER, "present": True}], [("[0].track_id", "track_not_in_session")]),
        (
            [{"track_id": TRACK, "present": True}, {"track_id": TRACK, "present": False}],
            [("[1].track_id", "duplicate")],
        ),
        ([{"track_id": TRACK, "present": False, "attendees": ["Sekda"]}], [("[0].attendees", "attendees_of_absent")]),
    ],
)
def test_attendance_rules(rows, expected):
    problems = attendance_problems([AttendanceIn.model_validate(r) for r in rows], {TRACK})
    assert [(p.field, p.code) for p in problems] == expected
