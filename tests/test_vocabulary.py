"""Each status and kind set is spelt once, as a StrEnum: the migrated database's CHECK constraints and the
OpenAPI documents' enums must say exactly what the enum says.

The CHECKs are read from a database migrated by each service's own migrations (not from the models), so a
migration that froze an older list, or a new value without its migration, fails here.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from enum import StrEnum
from importlib import import_module
from typing import Any

import asyncpg
import pytest
from mentoring.vocabulary import MasterPlanStatus, WorkshopMode
from monitoring.vocabulary import Direction, InitiativeStatus, OfficialIndex, PeriodStatus, ReminderKind, Unit
from smartcity_vocabulary import (
    DeliverableStatus,
    Dimension,
    DocumentKind,
    ParticipantStatus,
    ReportStatus,
    StageCode,
    TrackStatus,
)
from webhooks.deliveries.models import DeliveryStatus
from webhooks.endpoints.models import EndpointStatus

SERVICES = ("participants", "mentoring", "documents", "monitoring", "webhooks", "reports")
SECRET = "vocabulary-test-secret-of-32-chars-or-more"

# (schema, CHECK constraint) -> the enum it must list, in the enum's order
CHECKS: dict[tuple[str, str], type[StrEnum]] = {
    ("participants", "ck_participants_status_known"): ParticipantStatus,
    ("participants", "ck_status_changes_from_known"): ParticipantStatus,
    ("participants", "ck_status_changes_to_known"): ParticipantStatus,
    ("mentoring", "ck_tracks_status_known"): TrackStatus,
    ("mentoring", "ck_stages_code_known"): StageCode,
    ("mentoring", "ck_deliverables_status_known"): DeliverableStatus,
    ("mentoring", "ck_deliverables_kind_known"): DocumentKind,
    ("mentoring", "ck_deliverables_stage_known"): StageCode,
    ("mentoring", "ck_masterplans_status_known"): MasterPlanStatus,
    ("mentoring", "ck_sessions_mode_known"): WorkshopMode,
    ("documents", "ck_documents_kind_known"): DocumentKind,
    ("monitoring", "ck_indicators_dimension_known"): Dimension,
    ("monitoring", "ck_indicators_direction_known"): Direction,
    ("monitoring", "ck_indicators_unit_known"): Unit,
    ("monitoring", "ck_tracked_indicators_direction_known"): Direction,
    ("monitoring", "ck_tracked_indicators_unit_known"): Unit,
    ("monitoring", "ck_initiatives_dimension_known"): Dimension,
    ("monitoring", "ck_official_values_index_known"): OfficialIndex,
    ("monitoring", "ck_periods_status_known"): PeriodStatus,
    ("monitoring", "ck_reminders_kind_known"): ReminderKind,
    ("monitoring", "ck_reports_status_known"): ReportStatus,
    ("monitoring", "ck_report_initiatives_status_known"): InitiativeStatus,
    ("webhooks", "ck_endpoints_status_known"): EndpointStatus,
    ("webhooks", "ck_deliveries_status_known"): DeliveryStatus,
    # the reports service's projections of the others' feeds
    ("reports", "ck_participants_status_known"): ParticipantStatus,
    ("reports", "ck_tracks_status_known"): TrackStatus,
    ("reports", "ck_tracks_stage_known"): StageCode,
    ("reports", "ck_deliverables_status_known"): DeliverableStatus,
    ("reports", "ck_period_reports_status_known"): ReportStatus,
}

# service -> the enums its OpenAPI document names as components, each listing exactly the enum's values
OPENAPI: dict[str, tuple[type[StrEnum], ...]] = {
    "participants": (ParticipantStatus,),
    "mentoring": (TrackStatus, StageCode, DeliverableStatus, MasterPlanStatus, WorkshopMode, DocumentKind),
    "documents": (DocumentKind,),
    "monitoring": (Dimension, Direction, Unit, InitiativeStatus, ReportStatus, PeriodStatus, OfficialIndex),
    "webhooks": (EndpointStatus, DeliveryStatus),
    "reports": (),  # its reports are figures: no status set is an enum of its API
}


def checks_of(url: str) -> dict[tuple[str, str], str]:
    """Every CHECK constraint of the services' schemas: (schema, name) -> its definition as PostgreSQL prints it."""

    async def read() -> list[Any]:
        connection = await asyncpg.connect(url)
        try:
            return await connection.fetch(
                """SELECT n.nspname, c.conname, pg_get_constraintdef(c.oid) AS definition
                   FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                   WHERE c.contype = 'c' AND n.nspname = ANY($1::text[])""",
                list(SERVICES),
            )
        finally:
            await connection.close()

    return {(row["nspname"], row["conname"]): row["definition"] for row in asyncio.run(read())}


def listed(definition: str) -> list[str]:
    """The quoted values of a CHECK's list: `CHECK (status IN ('a', 'b'))` as PostgreSQL prints it -> [a, b]."""
    return re.findall(r"'([^']*)'", definition)


def test_each_check_of_a_set_lists_exactly_its_enum(every_schema: str):
    found = checks_of(every_schema)
    for key, enum in CHECKS.items():
        assert key in found, f"no CHECK {key}"
        assert listed(found[key]) == [str(v) for v in enum], (key, found[key])


def test_every_check_that_names_known_values_is_tied_to_an_enum(every_schema: str):
    # a new `..._known` CHECK needs its line in CHECKS: that is what keeps it and its enum together
    known = {key for key, definition in checks_of(every_schema).items() if key[1].endswith("_known")}
    assert known == set(CHECKS)


def enums_in(node: Any, path: str = "") -> Iterator[tuple[str, list[Any]]]:
    """Every `enum` list of an OpenAPI document, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "enum" and isinstance(value, list):
                yield path, value
            else:
                yield from enums_in(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from enums_in(value, f"{path}/{i}")


@pytest.mark.parametrize("service", SERVICES)
def test_the_openapi_enums_are_the_enums(service: str):
    main = import_module(f"{service}.main")
    settings = import_module(f"{service}.settings").Settings(
        database_url="postgresql://nobody@localhost/none", internal_secret=SECRET
    )
    document = main.create_app(settings).openapi()
    schemas = document["components"]["schemas"]
    for enum in OPENAPI[service]:
        assert schemas[enum.__name__]["enum"] == [str(v) for v in enum], (service, enum.__name__)
    # and nowhere else does the document spell one of these sets again (a Literal beside the enum): each list
    # of its values is a definition named for the enum (the components', an event's `event.X`, a form's `$defs`)
    names = {e.__name__ for e in OPENAPI[service]}
    sets = {frozenset(str(v) for v in e) for e in OPENAPI[service]}
    again = [
        path
        for path, values in enums_in(document)
        if frozenset(values) in sets and path.rsplit("/", 1)[-1].rsplit(".", 1)[-1] not in names
    ]
    assert again == [], service
