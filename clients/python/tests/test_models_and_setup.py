"""Models read every record version; the default provider follows the OTEL_* variables; a
record becomes the spans the record service rebuilds it from."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NoOpTracerProvider

from execution_history import ExecutionRecord, ItemType, MediaType, configure
from execution_history.record_to_spans import record_spans
from execution_history.tracing import create_tracer_provider, default_tracer_provider
from flows import FLOWS
from helpers import items_of, memory

EARLIER_RECORD = {
    "execution_id": "exec_20251103_205239_896e054c",
    "config_name": "dada",
    "timestamp": "2025-11-03T20:52:39.123456",
    "user_id": "anonymous",
    "session_id": "default",
    "execution_mode": "eco",
    "safety_level": "kids",
    "used_seed": None,
    "total_execution_time": 3.5,
    "taxonomy_version": "1.0",
    "items": [
        {"sequence_number": 1, "timestamp": "2025-11-03T20:52:39.123456", "stage": 1,
         "stage_iteration": None, "loop_iteration": None, "media_type": "text",
         "item_type": "translation_result", "content": "A flower", "file_path": None,
         "config_used": None, "model_used": "m", "backend_used": "ollama",
         "execution_time": 0.4, "metadata": {"from_lang": "de"}},
        {"sequence_number": 2, "timestamp": "2025-11-03T20:52:40.000001", "stage": 4,
         "media_type": "hologram", "item_type": "output_hologram", "metadata": None},
    ],
}


def test_an_earlier_record_reads_with_backend_used_and_unknown_types_kept() -> None:
    record = ExecutionRecord.from_dict(dict(EARLIER_RECORD))
    first, second = record.items
    assert first.backend_type == first.backend_used == "ollama"
    assert first.item_type is ItemType.TRANSLATION_RESULT and first.media_type is MediaType.TEXT
    assert (second.item_type, second.media_type, second.metadata) == (
        "output_hologram", "hologram", {})
    assert record.status is None and record.trace_id is None
    assert record.to_dict()["items"][0]["backend_type"] == "ollama"


def test_a_record_becomes_spans_that_carry_its_items() -> None:
    m = memory()
    FLOWS["c"](t := m.tracker())
    t.finalize()
    record = t.get_execution_record()
    spans = record_spans(record)
    assert [s.name for s in spans] == ["execution dada"]
    attrs = dict(spans[0].attributes or {})
    assert attrs["execution.status"] == "completed" and attrs["execution.outputs.blocked"] == 1
    keep = ("sequence_number", "item_type", "stage", "loop_iteration", "content", "metadata")
    assert [{k: i[k] for k in keep} for i in items_of(spans)] == [
        {k: i[k] for k in keep} for i in items_of(m.spans())]


def test_an_unfinished_record_becomes_a_start_span() -> None:
    record = ExecutionRecord("exec_20260101_000000_00000000", "dada",
                             datetime(2026, 1, 1, tzinfo=timezone.utc), status="incomplete")
    (span,) = record_spans(record)
    assert (span.attributes or {})["execution.span.role"] == "start"


def test_the_default_provider_follows_the_standard_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert isinstance(create_tracer_provider({"OTEL_SDK_DISABLED": "true"}), NoOpTracerProvider)
    quiet = create_tracer_provider({"OTEL_TRACES_EXPORTER": "none"})
    assert isinstance(quiet, TracerProvider)
    assert quiet.resource.attributes["service.name"] == "execution-history"
    for key in ("service.version", "service.instance.id", "host.name"):
        assert key in quiet.resource.attributes
    monkeypatch.setenv("OTEL_SERVICE_NAME", "platform-pipeline")
    named = create_tracer_provider({"OTEL_TRACES_EXPORTER": "none"})
    assert isinstance(named, TracerProvider)
    assert named.resource.attributes["service.name"] == "platform-pipeline"


def test_configure_sets_the_provider_trackers_use() -> None:
    m = memory()
    configure(m.provider)
    try:
        assert default_tracer_provider() is m.provider
    finally:
        configure(None)


def test_the_default_provider_samples_every_run_under_a_sampled_out_parent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opentelemetry import context, trace
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    from execution_history import ExecutionTracker, TrackerOptions

    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_off")
    provider = create_tracer_provider({"OTEL_TRACES_EXPORTER": "none"})
    assert isinstance(provider, TracerProvider)
    memory_exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory_exporter))
    parent = NonRecordingSpan(SpanContext(0x1234, 0x5678, False, TraceFlags(0)))
    token = context.attach(trace.set_span_in_context(parent))
    try:
        t = ExecutionTracker("dada", "eco", "kids",
                             options=TrackerOptions(tracer_provider=provider))
        FLOWS["a"](t)
        t.finalize()
    finally:
        context.detach(token)
    spans = memory_exporter.get_finished_spans()
    assert len(spans) == 4 and {s.context.trace_id for s in spans} == {0x1234}


def test_attribute_limits_from_the_environment_cut_neither_the_run_nor_a_childs_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from execution_history import ExecutionTracker, TrackerOptions

    # Shorter than an execution id: a cut id would lose the run, a cut content the child's words.
    monkeypatch.setenv("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8")
    monkeypatch.setenv("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8")
    provider = create_tracer_provider({"OTEL_TRACES_EXPORTER": "none"})
    assert isinstance(provider, TracerProvider)
    memory_exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory_exporter))
    options = TrackerOptions(tracer_provider=provider, content_policy="full")
    t = ExecutionTracker("dada", "eco", "kids", options=options)
    FLOWS["a"](t)
    t.finalize()
    spans = memory_exporter.get_finished_spans()
    ids = {(s.attributes or {}).get("execution.id") for s in spans}
    assert ids == {t.execution_id}
    contents = [(e.attributes or {}).get("execution.item.content") for s in spans for e in s.events]
    texts = [c for c in contents if isinstance(c, str)]
    assert texts and max(len(c) for c in texts) > 8
