"""OpenTelemetry tracing: off unless an exporter is configured, and then on in every process the same way.

On when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER` is set
(`otlp`: OTLP over HTTP/protobuf, the default; `console`: one JSON line per span on stderr; `none`), unless
`OTEL_SDK_DISABLED=true`. Off, none of the SDK, the exporter or the instrumentations is imported (FastAPI
imports the API alone, whose global provider stays the no-op one) and each helper here returns at its first
line: a request costs what it cost before tracing existed (bench/tracing_overhead.py).

On, `configure` (run by `configure_logging`, which every process calls first) sets the tracer provider, sampling
as `OTEL_TRACES_SAMPLER` says (`sampler`), and:
- a service's FastAPI app continues the `traceparent` it is called with (`instrument_app`, from `install_common`);
  the gateway starts the trace (`traced_gateway`) and hands its span's context on in the request's headers;
- every statement of an engine made by `db.create_engine` is a span, and so is every call of an `httpx` client;
- an event records the context of the change that made it (`current_traceparent`, a column of the outbox) and a
  feed consumer's batch is a span whose events each link to their own (`consuming`, `handling`): one MoU signing
  leads to the batch that opened its tracks;
- a message sent out of the platform (a webhook's attempt) is a span of its own trace linked to the change that made
  it (`sending`);
- each log line within a trace names it (`trace_id`, `span_id`).

A trace starts only at a request (a server span), at a consumed batch or at a message sent out: statements and
calls outside one (a feed poll, the audit sealer, a job's scan) are not exported on their own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, MutableMapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer
    from sqlalchemy.ext.asyncio import AsyncEngine
    from starlette.types import ASGIApp, Scope

# probes and scrapes are not traced
UNTRACED_PATHS = r"/healthz$,/readyz(/[a-z]+)?$,/metrics$"

_tracer: Tracer | None = None
_provider: TracerProvider | None = None
_NOTHING: AbstractContextManager[None] = nullcontext()


def wanted(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether the environment asks for tracing."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporters = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporters:
        return exporters != "none"
    return bool(environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def enabled() -> bool:
    return _tracer is not None


def configure(service: str) -> bool:
    """Set up tracing for this process if the environment asks for it (once; later calls change nothing)."""
    global _tracer, _provider
    if _tracer is not None:
        return True
    if not wanted():
        return False
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": service}), sampler=sampler())
    for exporter in _exporters(os.environ.get("OTEL_TRACES_EXPORTER", "otlp")):
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    _instrument_httpx(provider)
    _provider, _tracer = provider, provider.get_tracer("smartcity_kit")
    return True


def _exporters(names: str) -> list[Any]:
    exporters: list[Any] = []
    for name in (n.strip().lower() for n in names.split(",")):
        if name in ("", "none"):
            continue
        if name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporters.append(OTLPSpanExporter())
        elif name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            # stdout is the JSON log; a span is one line of its own on stderr
            exporters.append(ConsoleSpanExporter(out=sys.stderr, formatter=lambda s: s.to_json(indent=None) + "\n"))
        else:
            raise ValueError(f"OTEL_TRACES_EXPORTER: unknown exporter {name!r} (otlp, console or none)")
    return exporters


# OTEL_TRACES_SAMPLER's values (the OpenTelemetry specification's, but the remote ones) -> (parent based, ratio)
SAMPLERS = {
    "always_on": (False, False),
    "always_off": (False, False),
    "traceidratio": (False, True),
    "parentbased_always_on": (True, False),
    "parentbased_always_off": (True, False),
    "parentbased_traceidratio": (True, True),
}


def sampler(environ: Mapping[str, str] = os.environ) -> Any:
    """A trace starts only at a request or a consumed batch (a server or consumer span): a span with no parent
    of another kind is never sampled. Which of those traces are kept is `OTEL_TRACES_SAMPLER`'s choice, with
    `OTEL_TRACES_SAMPLER_ARG` the ratio of the `traceidratio` ones (0-1, 1 when unset), as the specification
    has it; unset, `parentbased_always_on`: every trace, a span's children following their parent. An unknown
    sampler or a ratio that is not one is refused, as an unknown exporter is."""
    from opentelemetry.sdk.trace.sampling import (
        ALWAYS_OFF,
        ALWAYS_ON,
        Decision,
        ParentBased,
        Sampler,
        SamplingResult,
        TraceIdRatioBased,
    )
    from opentelemetry.trace import SpanKind, get_current_span

    name = environ.get("OTEL_TRACES_SAMPLER", "").strip().lower() or "parentbased_always_on"
    if name not in SAMPLERS:
        raise ValueError(f"OTEL_TRACES_SAMPLER: unknown sampler {name!r} ({', '.join(SAMPLERS)})")
    parent_based, ratio = SAMPLERS[name]
    chosen: Sampler = ALWAYS_OFF if name.endswith("always_off") else ALWAYS_ON
    if ratio:
        arg = environ.get("OTEL_TRACES_SAMPLER_ARG", "").strip() or "1"
        try:
            rate = float(arg)
        except ValueError:
            rate = -1.0
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"OTEL_TRACES_SAMPLER_ARG: {arg!r} is not a ratio between 0 and 1")
        chosen = TraceIdRatioBased(rate)
    configured = ParentBased(root=chosen) if parent_based else chosen

    class EntryPoints(Sampler):
        def should_sample(
            self,
            parent_context: Any,
            trace_id: int,
            name: str,
            kind: SpanKind | None = None,
            attributes: Any = None,
            links: Sequence[Any] | None = None,
            trace_state: Any = None,
        ) -> SamplingResult:
            root = not get_current_span(parent_context).get_span_context().is_valid
            if root and kind not in (SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.PRODUCER):
                return SamplingResult(Decision.DROP, attributes)
            return configured.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)

        def get_description(self) -> str:
            return f"EntryPoints{{{configured.get_description()}}}"

    return EntryPoints()


def _instrument_httpx(provider: TracerProvider) -> None:
    try:
        import httpx  # noqa: F401  (a service without httpx has no client to trace)
    except ImportError:
        return
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    HTTPXClientInstrumentor().instrument(tracer_provider=provider)


def instrument_app(app: FastAPI) -> None:
    """A service's app continues the caller's trace: one server span per request (not for probes or scrapes)."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, tracer_provider=_provider, excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"]
    )


def instrument_engine(engine: AsyncEngine) -> None:
    """Every statement on `engine` is a span of the trace it runs in."""
    if _provider is None:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
    from opentelemetry.metrics import get_meter

    # the instrumentation's own engine hook (its `instrument(engine=)` works once per process; tests make many);
    # the instrumentation ships no types
    usage = get_meter("smartcity_kit").create_up_down_counter("db.client.connections.usage")
    tracer = _provider.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(tracer, engine.sync_engine, usage)  # type: ignore[no-untyped-call]


def traced_gateway(app: ASGIApp, span_name: Callable[[Scope], str]) -> ASGIApp:
    """`app` (the gateway) inside a server span per request, named by `span_name`; the request's own
    `traceparent`/`tracestate` headers are replaced by the span's, so the proxy passes the trace on as it
    passes every other header. `app` unchanged when tracing is off."""
    if _provider is None:
        return app
    from opentelemetry.instrumentation.asgi import OpenTelemetryMiddleware
    from opentelemetry.propagate import inject

    async def pass_context_on(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            carrier: dict[str, str] = {}
            inject(carrier)
            kept = [(k, v) for k, v in scope["headers"] if k not in (b"traceparent", b"tracestate")]
            scope["headers"] = kept + [(k.encode(), v.encode("latin-1")) for k, v in carrier.items()]
        await app(scope, receive, send)

    def details(scope: Scope) -> tuple[str, dict[str, str]]:
        return span_name(scope), {}

    middleware: ASGIApp = OpenTelemetryMiddleware(
        pass_context_on,
        excluded_urls=UNTRACED_PATHS,
        default_span_details=details,
        tracer_provider=_provider,
        exclude_spans=["receive", "send"],
    )
    return middleware


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the span running now, if it is traced (what an event records)."""
    if _tracer is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not context.is_valid or not context.trace_flags.sampled:
        return None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{context.trace_flags:02x}"


def log_fields(_: object, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the trace and span a log line was written in."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if context.is_valid and context.trace_flags.sampled:
        event_dict.setdefault("trace_id", f"{context.trace_id:032x}")
        event_dict.setdefault("span_id", f"{context.span_id:016x}")
    return event_dict


def current_trace_id() -> str | None:
    """The trace id of the span running now, if tracing is on and it is traced."""
    if _tracer is None:
        return None
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    return f"{context.trace_id:032x}" if context.is_valid and context.trace_flags.sampled else None


def consuming(feed: str, count: int) -> AbstractContextManager[None]:
    """The span of one batch of `feed` applied in one transaction: a trace of its own."""
    if _tracer is None:
        return _NOTHING
    return _span(
        f"{feed} process",
        kind="CONSUMER",
        attributes={"messaging.destination.name": feed, "messaging.batch.message_count": count},
    )


def handling(event_type: str, event_id: int, traceparent: str | None) -> AbstractContextManager[None]:
    """The span of one event's handling, linked to the change that recorded the event."""
    if _tracer is None:
        return _NOTHING
    return _span(event_type, attributes={"messaging.message.id": str(event_id)}, link_to=traceparent)


def sending(name: str, attributes: dict[str, Any], traceparent: str | None) -> AbstractContextManager[None]:
    """The span of one message sent out of the platform (a webhook's attempt): a trace of its own, linked to the
    change that made the message; `annotate` adds what came back."""
    if _tracer is None:
        return _NOTHING
    return _span(name, kind="PRODUCER", attributes=attributes, link_to=traceparent)


def annotate(**attributes: Any) -> None:
    """Attributes on the span running now, if tracing is on."""
    if _tracer is None:
        return
    from opentelemetry import trace

    trace.get_current_span().set_attributes({k: v for k, v in attributes.items() if v is not None})


@contextmanager
def _span(
    name: str, *, kind: str = "INTERNAL", attributes: dict[str, Any], link_to: str | None = None
) -> Iterator[None]:
    from opentelemetry import trace
    from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

    assert _tracer is not None
    links = []
    if link_to:
        linked = trace.get_current_span(TraceContextTextMapPropagator().extract({"traceparent": link_to}))
        if linked.get_span_context().is_valid:
            links.append(trace.Link(linked.get_span_context()))
    with _tracer.start_as_current_span(name, kind=trace.SpanKind[kind], attributes=attributes, links=links):
        yield
