"""The participants service's problem types: the refusals of its rules a client would branch on. The generic ones
(not-found, validation-failed, ...) are the kit's."""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

PARTICIPANTS = ProblemTypes("participants", Path(__file__).parent)

REGISTRATION_CLOSED = PARTICIPANTS.define(
    "registration-closed",
    409,
    "Registration closed",
    meaning="The phase's registration window is not open on the region's own today (read in its time zone).",
    action="Apply within the window of `GET /api/v1/phases/{code}`, or to a phase whose window is open.",
)
ALREADY_PARTICIPATING = PARTICIPANTS.define(
    "already-participating",
    409,
    "Region already in the programme",
    meaning="The region has a live application or participation (in this phase or another): a region takes part once.",
    action="Do not apply again; follow the existing participant, or withdraw it first.",
)
STATUS_TRANSITION_NOT_ALLOWED = PARTICIPANTS.define(
    "status-transition-not-allowed",
    409,
    "Not from this status",
    meaning="The participant's current status (`current_status`) does not lead to the one asked for.",
    action="Read the participant again; the programme's flow says which change its status allows.",
)
PHASE_CODE_TAKEN = PARTICIPANTS.define(
    "phase-code-taken",
    409,
    "Phase code taken",
    meaning="A phase with this code exists already.",
    action="Choose another code, or use the existing phase.",
)
NOTHING_TO_SELECT = PARTICIPANTS.define(
    "nothing-to-select",
    409,
    "No assessed participant",
    meaning="The phase has no assessed participant to select from.",
    action="Assess the phase's applications first, then run the selection.",
)
NOT_SELECTED = PARTICIPANTS.define(
    "participants-not-selected",
    409,
    "Participants not selected",
    meaning="An MoU is signed only by selected participants; some named (`offenders`) are not; nothing was signed.",
    action="Sign for the selected participants only; `offenders` names the others with their status.",
)
REGION_CANNOT_APPLY = PARTICIPANTS.define(
    "region-cannot-apply",
    422,
    "Region cannot apply",
    meaning="The region is unknown, or a province: only a kabupaten or kota applies.",
    action="Apply with the code of a kabupaten or kota from `GET /api/v1/regions`.",
)
UNKNOWN_PHASE = PARTICIPANTS.define(
    "unknown-phase",
    422,
    "Unknown phase",
    meaning="The body names a phase that does not exist.",
    action="Name a phase from `GET /api/v1/phases`.",
)
SIGNED_IN_FUTURE = PARTICIPANTS.define(
    "signing-date-in-future",
    422,
    "Signing date in the future",
    meaning="An MoU's signing date lies after today (anywhere in Indonesia).",
    action="Record a signing on or after the day it took place.",
)
NOT_OF_PHASE = PARTICIPANTS.define(
    "not-participants-of-phase",
    422,
    "Not participants of the phase",
    meaning="Signatures name participants that are not of the phase; `errors` names each; nothing was signed.",
    action="Name only participants of the phase in the path.",
)
SCORES_MISSING = PARTICIPANTS.define(
    "scores-missing",
    422,
    "Scores missing",
    meaning="An official indicator has neither a score in the request nor a published value for the region.",
    action="Give the scores `errors` names (0-100), or publish the official values first.",
)
SCORE_NOT_APPLICABLE = PARTICIPANTS.define(
    "score-not-applicable",
    422,
    "Score does not apply",
    meaning="The sustainable city index applies to a kota only; a kabupaten's is null.",
    action="Leave `sustainable_city_index` out (or null) for a kabupaten.",
)
INVALID_REGIONS_FILE = PARTICIPANTS.define(
    "invalid-regions-file",
    422,
    "Regions file has bad rows",
    meaning="The regions (or statistics) CSV has lines that cannot be taken; `errors` names each line and column; "
    "nothing was imported.",
    action="Correct every line `errors` names and send the whole file again.",
)
