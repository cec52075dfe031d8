"""Which traces are kept: OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG, within the rule that a trace starts only
at a request or a consumed batch (tests/test_tracing.py follows the traces themselves across the processes)."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace.sampling import Decision
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from smartcity_kit.tracing import sampler

SERVER, CONSUMER, PRODUCER = SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER
INTERNAL, CLIENT = SpanKind.INTERNAL, SpanKind.CLIENT
# the ratio samplers keep a trace whose lower 64 bits of id fall below ratio * 2^64
HALF = 1 << 63
LOW, HIGH = (7 << 64) | (HALF - 1), (7 << 64) | HALF  # just inside, just outside a ratio of 0.5


def parent(sampled: bool) -> object:
    """The context of a remote parent (a traceparent received), sampled or not."""
    flags = TraceFlags(TraceFlags.SAMPLED if sampled else TraceFlags.DEFAULT)
    return trace.set_span_in_context(NonRecordingSpan(SpanContext(HIGH, 42, is_remote=True, trace_flags=flags)))


def kept(environ: dict[str, str], kind: SpanKind, trace_id: int = LOW, parent_context: object = None) -> bool:
    decision = sampler(environ).should_sample(parent_context, trace_id, "span", kind).decision
    return decision == Decision.RECORD_AND_SAMPLE


@pytest.mark.parametrize(
    ("environ", "kind", "trace_id", "context", "expected"),
    [
        # unset: every request, batch and message sent out, nothing else on its own, children follow their parent
        ({}, SERVER, LOW, None, True),
        ({}, CONSUMER, HIGH, None, True),
        ({}, PRODUCER, HIGH, None, True),
        ({}, INTERNAL, LOW, None, False),
        ({}, CLIENT, LOW, None, False),
        ({}, SERVER, LOW, "sampled", True),
        ({}, SERVER, LOW, "not sampled", False),
        ({}, CLIENT, LOW, "sampled", True),
        # a ratio of the traces, by trace id, so that every process of one trace decides alike
        (
            {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"},
            SERVER,
            LOW,
            None,
            True,
        ),
        (
            {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"},
            SERVER,
            HIGH,
            None,
            False,
        ),
        # ... and a service continues what the gateway decided, whatever its own ratio
        (
            {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0"},
            SERVER,
            LOW,
            "sampled",
            True,
        ),
        # still never a trace of its own for a statement or a call outside a request
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1"}, INTERNAL, LOW, None, False),
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"}, CONSUMER, HIGH, None, False),
        # without a parent-based sampler the ratio decides each span by its trace id, parent or not
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.5"}, SERVER, HIGH, "sampled", False),
        ({"OTEL_TRACES_SAMPLER": "traceidratio"}, SERVER, HIGH, None, True),  # no ARG: a ratio of 1
        ({"OTEL_TRACES_SAMPLER": "always_off"}, SERVER, LOW, None, False),
        ({"OTEL_TRACES_SAMPLER": "always_on"}, SERVER, HIGH, "not sampled", True),
        ({"OTEL_TRACES_SAMPLER": "parentbased_always_off"}, SERVER, LOW, None, False),
        ({"OTEL_TRACES_SAMPLER": "parentbased_always_off"}, SERVER, LOW, "sampled", True),
        ({"OTEL_TRACES_SAMPLER": " ParentBased_Always_On "}, SERVER, LOW, None, True),
    ],
)
def test_the_sampler_of_the_environment_decides_among_requests_and_batches(
    environ: dict[str, str], kind: SpanKind, trace_id: int, context: str | None, expected: bool
) -> None:
    parent_context = None if context is None else parent(context == "sampled")
    assert kept(environ, kind, trace_id, parent_context) is expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"OTEL_TRACES_SAMPLER": "jaeger_remote"}, "OTEL_TRACES_SAMPLER: unknown sampler 'jaeger_remote'"),
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "half"}, "'half' is not a ratio"),
        ({"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "1.5"}, "'1.5' is not a"),
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "-0.1"}, "'-0.1' is not a ratio"),
        ({"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "nan"}, "'nan' is not a ratio"),
    ],
)
def test_a_sampler_or_a_ratio_it_does_not_know_is_refused_at_start(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sampler(environ)


def test_the_description_names_the_configured_sampler() -> None:
    environ = {"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25"}
    assert sampler(environ).get_description() == (
        "EntryPoints{ParentBased{root:TraceIdRatioBased{0.25},remoteParentSampled:AlwaysOnSampler,"
        "remoteParentNotSampled:AlwaysOffSampler,localParentSampled:AlwaysOnSampler,"
        "localParentNotSampled:AlwaysOffSampler}}"
    )
