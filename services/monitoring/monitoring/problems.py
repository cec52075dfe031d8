"""Monitoring's problem types: the refusals of its own rules a client may branch on, each defined once.

A plain lookup that finds nothing is the kit's `not-found`, a request or an
uploaded file whose fields or cells break a rule the kit's `validation-failed`
with a code per field; the types here name what only monitoring refuses. Their
Indonesian, and that of every message of this package, is in
`locale/id/LC_MESSAGES/monitoring.po`.
"""

from __future__ import annotations

from pathlib import Path

from smartcity_kit.problemtypes import ProblemTypes

MONITORING = ProblemTypes("monitoring", Path(__file__).parent)

PERIOD_EXISTS = MONITORING.define(
    "period-exists",
    409,
    "Period already open",
    meaning="A reporting period with this code is open or locked already.",
    action="Use the period that exists (GET /api/v1/monitoring/periods/{code}).",
)
PERIOD_ALREADY_LOCKED = MONITORING.define(
    "period-already-locked",
    409,
    "Period already locked",
    meaning="The period is locked already (by an operator, or by the daily job after `locks_on`).",
    action="Nothing to do: the period stays locked.",
)
PERIOD_LOCKED = MONITORING.define(
    "period-locked",
    409,
    "Period closed to reports",
    meaning="The period takes no more reports from the region: it is locked, or `locks_on` has passed in the "
    "region's time zone.",
    action="Ask an operator to reopen the region's report (POST .../reopen), then write or submit it again.",
)
REPORT_NOT_EDITABLE = MONITORING.define(
    "report-not-editable",
    409,
    "Report not editable",
    meaning="The report is submitted or accepted; it changes only while `draft` or `returned`.",
    action="Wait for the decision: a returned report can be corrected and submitted again.",
)
REPORT_EMPTY = MONITORING.define(
    "report-empty",
    422,
    "Report empty",
    meaning="A report without any value or initiative status cannot be submitted.",
    action="Write the period's figures (PUT, or an upload of the template), then submit.",
)
REPORT_NOT_SUBMITTED = MONITORING.define(
    "report-not-submitted",
    409,
    "Report not awaiting a decision",
    meaning="Only a submitted report is accepted or returned; this one is a draft, returned or accepted.",
    action="Read the report again; decide once the region has submitted it.",
)
REPORT_FINAL = MONITORING.define(
    "report-final",
    409,
    "Report accepted",
    meaning="An accepted report is final: it is not reopened.",
    action="Do not retry; the accepted figures stand.",
)
REPORT_ALREADY_REOPENED = MONITORING.define(
    "report-already-reopened",
    409,
    "Report already reopened",
    meaning="The region's report is reopened already: the region may write and submit it.",
    action="Nothing to do: the region may submit.",
)
INDICATOR_ALREADY_TRACKED = MONITORING.define(
    "indicator-already-tracked",
    409,
    "Indicator already measured",
    meaning="The initiative measures this catalogue indicator already.",
    action="Change the tracked indicator's targets (PUT .../targets) instead of attaching it again.",
)
OFFICIAL_INDEX_OWNER_ONLY = MONITORING.define(
    "official-index-owner-only",
    403,
    "Not the index's ministry",
    meaning="An official index is published only by an API key of the ministry that owns it (the fiscal capacity "
    "index by Kemenkeu, the green city index by PUPR, ...).",
    action="Publish with the owning ministry's API key (bound to its organisation), or not at all.",
)
