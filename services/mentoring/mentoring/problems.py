"""Mentoring's problem types: the refusals of its own rules a client may branch on, each defined once.

A plain lookup that finds nothing is the kit's `not-found`, a request whose
fields break a rule the kit's `validation-failed` with a code per field; the
types here name what only mentoring refuses. Their Indonesian, and that of
every message of this package, is in `locale/id/LC_MESSAGES/mentoring.po`.
"""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

MENTORING = ProblemTypes("mentoring", Path(__file__).parent)

MENTOR_EMAIL_TAKEN = MENTORING.define(
    "mentor-email-taken",
    409,
    "Mentor already registered",
    meaning="A mentor with this e-mail address is already registered (e-mail addresses are compared in lower case).",
    action="Use the mentor that exists (GET /api/v1/mentors) instead of registering it again.",
)
TRACK_NOT_ACTIVE = MENTORING.define(
    "track-not-active",
    409,
    "Track closed",
    meaning="The track is completed or withdrawn: its mentors, deliverables, stage and master plan no longer change.",
    action="Do not retry; the track's history stays readable.",
)
MENTOR_ALREADY_ASSIGNED = MENTORING.define(
    "mentor-already-assigned",
    409,
    "Mentor already assigned",
    meaning="The mentor is already assigned to this track.",
    action="Nothing to do: the assignment exists.",
)
MENTOR_HOME_REGION = MENTORING.define(
    "mentor-home-region",
    409,
    "Mentor of the track's own region",
    meaning="A mentor does not mentor the kabupaten/kota they live or work in (their home region).",
    action="Assign another mentor.",
)
MENTOR_AT_CAPACITY = MENTORING.define(
    "mentor-at-capacity",
    409,
    "Mentor at capacity",
    meaning="The mentor already has as many active tracks as their `max_tracks` allows; `active_tracks` and "
    "`max_tracks` say how many.",
    action="Assign another mentor, or raise the mentor's `max_tracks` first.",
)
TRACK_STAGE_INCOMPLETE = MENTORING.define(
    "track-stage-incomplete",
    409,
    "Stage not complete",
    meaning="The track cannot leave its stage yet: `missing_deliverables` lists the deliverable kinds still "
    "without an approved deliverable and, in the last stage, `masterplan_approved` whether its master plan is "
    "approved.",
    action="Submit and have reviewed what is missing, then advance again.",
)
DELIVERABLE_ALREADY_APPROVED = MENTORING.define(
    "deliverable-already-approved",
    409,
    "Deliverable already approved",
    meaning="A deliverable of this kind is already approved for the track; an approved deliverable is not replaced.",
    action="Do not resubmit; the approved deliverable stands.",
)
DELIVERABLE_NOT_SUBMITTED = MENTORING.define(
    "deliverable-not-submitted",
    409,
    "Deliverable already reviewed",
    meaning="Only a submitted deliverable is reviewed; this one is approved, sent back or superseded.",
    action="Read the track's deliverables again and review the one submitted last.",
)
WORKSHOP_OVERLAP = MENTORING.define(
    "workshop-overlap",
    409,
    "Workshop overlaps another",
    meaning="A track or a mentor of the workshop is already in a workshop at an overlapping time; "
    "`busy_track_ids` and `busy_mentor_ids` name them.",
    action="Choose another time, or leave out the busy tracks and mentors.",
)
ATTENDANCE_NOT_YOURS = MENTORING.define(
    "attendance-not-yours",
    403,
    "Not your workshop",
    meaning="A mentor records attendance only of the workshops they run or of the tracks they mentor.",
    action="Leave out the tracks you do not mentor, or ask an operator to record them.",
)
MASTERPLAN_FROZEN = MENTORING.define(
    "masterplan-frozen",
    409,
    "Master plan frozen",
    meaning="The master plan is approved and frozen; it changes no more.",
    action="Do not retry; the approved master plan stands.",
)
MASTERPLAN_MISSING = MENTORING.define(
    "masterplan-missing",
    409,
    "No master plan yet",
    meaning="The track has no master plan to approve yet.",
    action="Write the master plan first (PUT), then approve it.",
)
MASTERPLAN_ALREADY_APPROVED = MENTORING.define(
    "masterplan-already-approved",
    409,
    "Master plan already approved",
    meaning="The master plan is approved already.",
    action="Nothing to do: the approval stands.",
)
MASTERPLAN_INVALID = MENTORING.define(
    "masterplan-invalid",
    422,
    "Master plan breaks the rules",
    meaning="The draft, saved under an earlier rule, breaks a rule in force; `errors` names each.",
    action="Correct the draft (PUT) and approve it again.",
)
