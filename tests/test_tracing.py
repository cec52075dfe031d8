"""Tracing across the real processes: the platform exports its spans over OTLP/HTTP to a receiver on 127.0.0.1.

One MoU signing through the gateway is one trace: the gateway's span, the participants service's span under it,
and the statements under that; the `mou.signed` event keeps that trace's context, and mentoring's handling of it
(where the track opens) is a span of its own trace linked to it; so is the webhooks service's fan-out of the event,
and each attempt to send it to a partner's receiver is a span linked to that fan-out. Every log line of the request
names the trace.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from smartcity_dev.platform import Platform
from smartcity_dev.receivers import Answer, Received, Receiver
from smartcity_dev.samples import synthetic_regions_csv
from smartcity_dev.testing import wait_until

INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER = 1, 2, 3, 4, 5  # span kinds as OTLP numbers them


@dataclass(frozen=True)
class Span:
    service: str
    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_id: str
    links: tuple[tuple[str, str], ...]
    attributes: dict[str, object]


class Collector:
    """The spans the platform exported so far, decoded from the OTLP requests the receiver recorded."""

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver

    def spans(self) -> list[Span]:
        with self.receiver.lock:
            requests = list(self.receiver.received)
        return [span for request in requests for span in _decode(request)]


def _decode(request: Received) -> Iterator[Span]:
    assert request.headers["content-type"] == "application/x-protobuf"
    export = ExportTraceServiceRequest.FromString(request.body)
    for resource_spans in export.resource_spans:
        resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
        for scope_spans in resource_spans.scope_spans:
            for s in scope_spans.spans:
                yield Span(
                    service=resource["service.name"],
                    name=s.name,
                    kind=s.kind,
                    trace_id=s.trace_id.hex(),
                    span_id=s.span_id.hex(),
                    parent_id=s.parent_span_id.hex(),
                    links=tuple((link.trace_id.hex(), link.span_id.hex()) for link in s.links),
                    attributes={a.key: _value(a.value) for a in s.attributes},
                )


def _value(value: object) -> object:
    kind = value.WhichOneof("value")  # type: ignore[attr-defined]
    return getattr(value, kind) if kind else None


@pytest.fixture(scope="module")
def traced(
    own_platform: Callable[..., Platform], new_database: Callable[[], str]
) -> Iterator[tuple[Platform, Collector]]:
    receiver = Receiver(lambda n, r: Answer(status=200, body=b"", headers={"content-type": "application/x-protobuf"}))
    try:
        platform = own_platform(
            new_database(),
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=receiver.url,
            OTEL_BSP_SCHEDULE_DELAY="100",  # ms: spans leave within a tenth of a second, not the default 5 s
            WEBHOOKS_ALLOWED_NETWORKS="127.0.0.1/32",  # the partner's receiver listens on loopback
        )
        yield platform, Collector(receiver)
    finally:
        receiver.close()


def test_an_mou_signing_is_one_trace_and_its_tracks_link_to_it(traced, auth_for):
    platform, collector = traced
    ops = auth_for(platform)("operator")
    api = httpx.Client(base_url=platform.url(), timeout=30)
    csv = synthetic_regions_csv({"32": "Jawa Barat"}, kabupaten=1, kota=1)
    assert (
        api.post("/api/v1/regions/import", content=csv, headers={**ops, "content-type": "text/csv"}).status_code == 200
    )
    pid = _selected(api, ops, "TRACE", "32.71")
    # a partner's webhook for the signings
    key = api.post("/api/v1/api-keys", json={"name": "Bappenas", "role": "partner"}, headers=ops).json()["key"]
    receiver = Receiver()
    hook = api.post(
        "/api/v1/webhooks", json={"url": receiver.url, "event_types": ["mou.signed"]}, headers={"X-API-Key": key}
    )
    assert hook.status_code == 201, hook.text
    signing = {
        "signed_on": str(date.today()),
        "venue": "Jakarta",
        "signatures": [{"participant_id": pid, "signatory_name": "Wali Kota", "signatory_title": "Wali Kota"}],
    }
    signed = api.post(
        "/api/v1/phases/TRACE/mou-signings", json=signing, headers={**ops, "X-Request-ID": "trace-the-mou"}
    )
    assert signed.status_code == 201, signed.text

    # the gateway's span of the request, the service's under it, the statements under that: one trace
    gateway = wait_until(
        lambda: [s for s in collector.spans() if s.service == "gateway" and s.name.endswith("/mou-signings")],
        30,
        "the gateway's span of the signing",
    )
    assert [(s.name, s.kind, s.parent_id) for s in gateway] == [("POST /api/v1/phases/{code}/mou-signings", SERVER, "")]
    trace_id = gateway[0].trace_id

    def in_trace() -> list[Span]:
        return [s for s in collector.spans() if s.trace_id == trace_id]

    service = wait_until(
        lambda: [s for s in in_trace() if s.service == "participants" and s.kind == SERVER], 30, "the service's span"
    )
    assert [(s.name, s.parent_id) for s in service] == [("POST /api/v1/phases/{code}/mou-signings", gateway[0].span_id)]
    statements = wait_until(
        lambda: [s for s in in_trace() if s.service == "participants" and s.kind == CLIENT], 30, "its statements"
    )
    assert {s.attributes["db.system"] for s in statements} == {"postgresql"}
    assert "INSERT INTO participants.events" in {str(s.attributes["db.statement"])[:31] for s in statements}
    participants_spans = {s.span_id for s in in_trace() if s.service == "participants"}
    assert all(s.parent_id in participants_spans | {service[0].span_id} for s in statements)

    # the event keeps the signing's context: its trace, and a span of the participants service in it
    events = api.get("/api/v1/events/participants", params={"limit": 500}, headers=ops).json()["items"]
    mou = [e for e in events if e["type"] == "mou.signed"]
    assert len(mou) == 1
    version, event_trace, event_span, flags = mou[0]["traceparent"].split("-")
    assert (version, event_trace, int(flags, 16) & 1) == ("00", trace_id, 1)  # sampled
    assert event_span in participants_spans | {service[0].span_id}

    # mentoring opens the track as it handles the signing's events: in a trace of its own (the consumed batch),
    # and the span that recorded track.opened is that handling, linked back to the signing
    opened = wait_until(
        lambda: [
            e
            for e in api.get("/api/v1/events/mentoring", params={"limit": 500}, headers=ops).json()["items"]
            if e["type"] == "track.opened"
        ],
        30,
        "track.opened",
    )
    assert len(opened) == 1
    _, opened_trace, opened_span, _ = opened[0]["traceparent"].split("-")
    assert opened_trace != trace_id
    handling = wait_until(
        lambda: [s for s in collector.spans() if (s.trace_id, s.span_id) == (opened_trace, opened_span)],
        30,
        "the handling's span",
    )
    [(service_name, event_type, kind, links)] = [(s.service, s.name, s.kind, s.links) for s in handling]
    assert (service_name, kind) == ("mentoring", INTERNAL)
    assert event_type in {e["type"] for e in events}  # the participants event it handled
    assert [(linked_trace, linked_span in participants_spans) for linked_trace, linked_span in links] == [
        (trace_id, True)
    ]
    batch = wait_until(
        lambda: [s for s in collector.spans() if s.span_id == handling[0].parent_id], 30, "the batch's span"
    )
    assert [(s.service, s.name, s.kind, s.parent_id) for s in batch] == [
        ("mentoring", "participants process", CONSUMER, "")
    ]

    # the webhooks service fans the event out as it handles it (a span linked to the signing, as mentoring's), and
    # the attempt that sent it to the partner is a span of its own trace linked to that handling
    wait_until(lambda: receiver.ids(), 30, "the signing at the partner's receiver")
    receiver.close()
    [sent] = wait_until(
        lambda: [s for s in collector.spans() if s.service == "webhooks" and s.kind == PRODUCER], 30, "the attempt"
    )
    assert (sent.name, sent.parent_id, sent.attributes["http.response.status_code"]) == ("send mou.signed", "", 200)
    assert sent.attributes["messaging.message.id"] == receiver.ids()[0]
    [(fan_out_trace, fan_out_span)] = sent.links
    [fan_out] = wait_until(
        lambda: [s for s in collector.spans() if (s.trace_id, s.span_id) == (fan_out_trace, fan_out_span)],
        30,
        "the fan-out's span",
    )
    assert (fan_out.service, fan_out.name, fan_out.kind) == ("webhooks", "mou.signed", INTERNAL)
    assert [(linked_trace, linked_span in participants_spans) for linked_trace, linked_span in fan_out.links] == [
        (trace_id, True)
    ]

    # every log line of the request names its trace: the gateway's access line and the service's
    for name in ("gateway", "participants"):
        text = (platform.log_dir / f"{name}.log").read_text()
        lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
        request = [line for line in lines if line.get("request_id") == "trace-the-mou"]
        assert request and {line.get("trace_id") for line in request} == {trace_id}, (name, request)


def test_nothing_outside_a_request_or_a_batch_is_exported(traced):
    """Feed polls, the audit sealer and jobs run all the time: none of it starts a trace of its own."""
    _, collector = traced

    def settled() -> list[Span]:  # a parent ends (and leaves) after its children: wait until each has its own
        spans = collector.spans()
        ids = {s.span_id for s in spans}
        return spans if all(s.parent_id in ids for s in spans if s.parent_id and s.service != "gateway") else []

    spans = wait_until(settled, 30, "every exported span's parent exported")
    roots = [s for s in spans if not s.parent_id]
    assert {s.kind for s in roots} == {SERVER, CONSUMER, PRODUCER}  # the test above made each (PRODUCER: a webhook)
    # a service's request without a caller's trace: only the gateway's refresh of its API document (not traced
    # at the gateway); never the consumers' polls of the feeds, twice a second each
    assert {s.name for s in roots if s.kind == SERVER and s.service != "gateway"} <= {"GET /openapi.json"}
    feed_reads = [s for s in spans if s.name == "GET /api/v1/events/{service}"]
    gateway_reads = {s.span_id for s in feed_reads if s.service == "gateway"}
    assert len(gateway_reads) >= 2  # the test above read two feeds through the gateway, which traced them
    assert {s.parent_id in gateway_reads for s in feed_reads if s.service != "gateway"} == {True}


def _selected(api: httpx.Client, ops: dict[str, str], phase: str, code: str) -> str:
    """A phase of one place, the region applied, assessed and selected; returns the participant's id."""
    today = date.today()
    created = api.post(
        "/api/v1/phases",
        json={
            "code": phase,
            "name": f"Tahap {phase}",
            "year": today.year,
            "quota": 1,
            "registration_opens_on": str(today - timedelta(days=1)),
            "registration_closes_on": str(today + timedelta(days=1)),
        },
        headers=ops,
    )
    assert created.status_code == 201, created.text
    contact = {"role": "coordinator", "name": "Koordinator", "email": "k@example.go.id", "phone": "081234567890"}
    applied = api.post(
        "/api/v1/participants", json={"region_code": code, "phase_code": phase, "contacts": [contact]}, headers=ops
    )
    assert applied.status_code == 201, applied.text
    pid: str = applied.json()["id"]
    scores = dict.fromkeys(
        (
            "fiscal_capacity",
            "green_city_index",
            "government_performance_index",
            "sustainable_city_index",
            "infrastructure",
            "superstructure",
            "leadership_vision",
        ),
        70,
    )
    assert api.put(f"/api/v1/participants/{pid}/assessment", json=scores, headers=ops).status_code == 200
    selection = api.post(f"/api/v1/phases/{phase}/selection", json={"dry_run": False}, headers=ops)
    assert selection.status_code == 200, selection.text
    return pid
