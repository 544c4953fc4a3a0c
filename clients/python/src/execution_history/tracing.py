"""The tracer provider trackers use by default, configured by the standard `OTEL_*` variables.

`OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `..._HEADERS`,
`..._TIMEOUT`, `..._COMPRESSION` (read by the OTLP/HTTP exporter), `OTEL_SERVICE_NAME`,
`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*` (the batch processor), `OTEL_SPAN_EVENT_COUNT_LIMIT`,
`OTEL_TRACES_EXPORTER=none` (no export) and `OTEL_SDK_DISABLED=true` (no spans at all).
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
import weakref
from collections.abc import Mapping

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_ON
from opentelemetry.trace import NoOpTracerProvider, Tracer
from opentelemetry.trace import TracerProvider as ApiTracerProvider

from . import attributes as A
from .export_watch import ExportWatch
from .version import __version__

_INSTANCE_ID = str(uuid.uuid4())
_lock = threading.Lock()
_default: ApiTracerProvider | None = None
#: One tracer per provider: the SDK makes a new one on every `get_tracer` (a third of a run's
#: cost on the benchmark when made per run).
_tracers: weakref.WeakKeyDictionary[ApiTracerProvider, Tracer] = weakref.WeakKeyDictionary()
#: The export watch of each provider made here (`finalize()` waits on it).
_watches: weakref.WeakKeyDictionary[ApiTracerProvider, ExportWatch] = weakref.WeakKeyDictionary()


def tracer_for(provider: ApiTracerProvider) -> Tracer:
    """This package's tracer from `provider`, made once."""
    try:
        return _tracers[provider]
    except (KeyError, TypeError):
        tracer = provider.get_tracer(A.TRACER_NAME, __version__)
        try:
            _tracers[provider] = tracer
        except TypeError:  # a provider without weak references is asked every time
            pass
        return tracer


def process_resource() -> Resource:
    """`service.name` (default `execution-history`), `service.version`, `service.instance.id`,
    `host.name`, then `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` over them."""
    detected = Resource.create(
        {
            "service.version": __version__,
            "service.instance.id": _INSTANCE_ID,
            "host.name": socket.gethostname(),
        }
    )
    name = detected.attributes.get("service.name")
    if not isinstance(name, str) or name.startswith("unknown_service"):
        detected = detected.merge(Resource({"service.name": "execution-history"}))
    return detected


def create_tracer_provider(
    env: Mapping[str, str] | None = None, exporter: SpanExporter | None = None
) -> ApiTracerProvider:
    """A provider exporting over OTLP/HTTP (protobuf) through a batch processor, from `env`."""
    e = os.environ if env is None else env
    if e.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return NoOpTracerProvider()
    # Every span is sampled, whatever OTEL_TRACES_SAMPLER or a sampled-out parent says: a record
    # needs all of its run's spans.
    # Attribute lengths unlimited whatever OTEL_*ATTRIBUTE_VALUE_LENGTH_LIMIT says: a cut
    # execution id loses the run, a cut content the child's words.
    limits = SpanLimits(max_attribute_length=SpanLimits.UNSET,
                        max_span_attribute_length=SpanLimits.UNSET)
    provider = TracerProvider(resource=process_resource(), span_limits=limits, sampler=ALWAYS_ON)
    if exporter is None and e.get("OTEL_TRACES_EXPORTER", "otlp").strip().lower() == "none":
        return provider
    watch = ExportWatch(exporter or OTLPSpanExporter())
    _watches[provider] = watch
    provider.add_span_processor(BatchSpanProcessor(watch))
    return provider


def configure(provider: ApiTracerProvider | None) -> None:
    """Sets the provider trackers use when their options name none (`None`: back to env)."""
    global _default
    with _lock:
        _default = provider


def default_tracer_provider() -> ApiTracerProvider:
    """The configured provider, else one made from the environment on first use."""
    global _default
    with _lock:
        if _default is None:
            _default = create_tracer_provider()
        return _default


def wait_for_export(provider: ApiTracerProvider, trace_id: int, timeout_seconds: float) -> bool:
    """Exports what `provider` holds (in the background) and waits up to `timeout_seconds` for
    the run span of `trace_id`: True once it was exported (a provider made here) or the flush
    ended in time (any other provider); False when its export failed or is still pending."""
    force_flush = getattr(provider, "force_flush", None)
    if force_flush is None:
        return True
    watch = _watches.get(provider)
    flushing = threading.Thread(target=force_flush, name="execution-history-flush", daemon=True)
    flushing.start()
    if watch is not None:
        return watch.wait_for(trace_id, timeout_seconds) is True
    flushing.join(timeout_seconds)
    return not flushing.is_alive()
