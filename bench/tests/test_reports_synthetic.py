"""The reports benchmark's synthetic programme speaks the services' events: every payload is what the event's
catalogue model emits (no field missing, none extra, same JSON), and it carries every type the reports
service projects, in the feed that serves it. The benchmark itself runs with bench/reports/run.py."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from documents.library.events import CATALOGUE as DOCUMENTS
from mentoring.events import CATALOGUE as MENTORING
from monitoring.events import CATALOGUE as MONITORING
from participants.events import CATALOGUE as PARTICIPANTS
from pydantic import ValidationError
from reports.projections.feeds import FEEDS

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "reports"))

import synthetic  # noqa: E402

CATALOGUES = {"participants": PARTICIPANTS, "mentoring": MENTORING, "documents": DOCUMENTS, "monitoring": MONITORING}


def test_every_synthetic_event_is_what_its_service_emits() -> None:
    feeds = synthetic.programme(region_count=60, phases=2)
    assert set(feeds.events) == set(CATALOGUES)
    wrong: Counter[str] = Counter()
    for feed, events in feeds.events.items():
        assert [e["id"] for e in events] == list(range(1, len(events) + 1))
        for event in events:
            model = CATALOGUES[feed].types[event["type"]]
            try:
                emitted = model.model_validate(event["data"]).payload()
            except ValidationError:
                emitted = None
            if emitted != event["data"]:
                wrong[event["type"]] += 1
    assert wrong == Counter()


def test_the_programme_carries_every_type_the_reports_service_projects() -> None:
    feeds = synthetic.programme(region_count=60, phases=2)
    served = {feed: {e["type"] for e in events} for feed, events in feeds.events.items()}
    projected = {feed.name: set(feed.handlers) for feed in FEEDS}
    unserved = {name: sorted(types - served[name]) for name, types in projected.items() if types - served[name]}
    assert unserved == {}
