"""docs/events.md is what the services' event models say: a change of a model without `make events-doc` fails."""

from __future__ import annotations

from smartcity_dev import eventsdoc


def test_the_events_document_is_current():
    assert eventsdoc.TARGET.read_text() == eventsdoc.render(), "run `make events-doc`"


def test_every_event_type_of_the_platform_is_documented_once():
    text = eventsdoc.TARGET.read_text()
    types = [m.event_type for catalogue in eventsdoc.CATALOGUES.values() for m in catalogue]
    assert len(types) == len(set(types)) == 33
    for name in types:
        assert text.count(f"### `{name}`") == 1, name
