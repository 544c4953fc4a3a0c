"""Test helpers: a real tracer provider with an in-memory exporter, and span decoding."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from execution_history import ExecutionTracker, TrackerOptions
from execution_history.item_codec import ContentPolicy

ITEM = "execution.item."


@dataclass
class Memory:
    provider: TracerProvider
    exporter: InMemorySpanExporter

    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def tracker(
        self, config: str = "dada", policy: ContentPolicy = "full", **kw: Any
    ) -> ExecutionTracker:
        return ExecutionTracker(
            config,
            kw.pop("execution_mode", "eco"),
            kw.pop("safety_level", "kids"),
            options=TrackerOptions(
                tracer_provider=self.provider,
                content_policy=policy,
                finalize_wait_seconds=kw.pop("wait", 1.0),
                max_events_per_span=kw.pop("max_events", None),
            ),
            **kw,
        )


def memory(max_events: int = 128) -> Memory:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(span_limits=SpanLimits(max_events=max_events))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return Memory(provider, exporter)


def items_of(spans: list[ReadableSpan]) -> list[dict[str, Any]]:
    """The items the spans carry, as the record service decodes them, by sequence number."""
    out: dict[int, dict[str, Any]] = {}
    for span in spans:
        for event in span.events:
            a = dict(event.attributes or {})
            seq = a.get(ITEM + "sequence_number")
            if not isinstance(seq, int):
                continue
            out[seq] = {
                "sequence_number": seq,
                "item_type": event.name,
                "stage": a.get(ITEM + "stage"),
                "stage_iteration": a.get(ITEM + "stage_iteration"),
                "loop_iteration": a.get(ITEM + "loop_iteration"),
                "media_type": a.get(ITEM + "media_type"),
                "content": a.get(ITEM + "content"),
                "file_path": a.get(ITEM + "file_path"),
                "config_used": a.get(ITEM + "config_used"),
                "model_used": a.get(ITEM + "model_used"),
                "backend_type": a.get(ITEM + "backend_type"),
                "execution_time": a.get(ITEM + "execution_time"),
                "metadata": json.loads(str(a.get(ITEM + "metadata", "{}"))),
                "span": span.name,
                "_attributes": a,
            }
    return [out[k] for k in sorted(out)]


def by_role(spans: list[ReadableSpan], role: str) -> list[ReadableSpan]:
    return [s for s in spans if (s.attributes or {}).get("execution.span.role") == role]
