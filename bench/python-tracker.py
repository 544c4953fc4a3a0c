"""Tracing overhead of the Python client (clients/python) beside the earlier tracker.

Per log call and per run, the same calls on both: the earlier package (an in-memory list, its
record written as one JSON file at finalize) and this one (an OpenTelemetry span event per item,
spans handed to a batch processor whose exporter drops them, so only the client's own cost and
the SDK's are measured, not a network). Runs are the canonical flows of pipeline-flows.md
(clients/python/tests/flows.py). Prints figures; nothing is asserted.

    bash scripts/python-tests.sh -q -m "not integration"   # once: makes clients/python/.venv
    clients/python/.venv/bin/python bench/python-tracker.py

`BENCH_PY_RUNS` (default 2,000) scales it; the earlier package is read from
`EXECUTION_HISTORY_PEER_DIR` or ../shared/peers/seed-tracker-cbf622f (copied to a temp dir,
imported from there) and left out when absent.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "clients" / "python" / "tests"))
from earlier_package import load_earlier  # noqa: E402
from flows import FLOWS  # noqa: E402

from execution_history import ExecutionTracker, TrackerOptions  # noqa: E402

RUNS = int(os.environ.get("BENCH_PY_RUNS", "2000"))


class Dropping(SpanExporter):
    """Accepts every batch and keeps nothing."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        pass


def per_call(make: Callable[[], Any], rounds: int = 5, trackers: int = 200) -> float:
    """Median µs of one `log_translation_result` call (a text item with its metadata), ten
    calls per tracker as in a run (a run holds tens of items, not thousands)."""
    results = []
    for _ in range(rounds):
        spent = 0
        for _ in range(trackers):
            t = make()
            t.log_pipeline_start(input_text="Eine Blume", metadata={})
            t.log_stage1_safety_check(True, "fast_filter")
            started = time.perf_counter_ns()
            for _ in range(10):
                t.log_translation_result("A flower in the meadow", "de", "en", "m", 0.4, "ollama")
            spent += time.perf_counter_ns() - started
            t.finalize()
        results.append(spent / (trackers * 10) / 1000)
    return statistics.median(results)


def per_run(make: Callable[[], Any], flow: str, end: Callable[[Any], Any]) -> float:
    """Median µs of one whole run: tracker, the flow's calls, its end."""
    samples = []
    for _ in range(5):
        started = time.perf_counter_ns()
        for _ in range(RUNS // 5):
            t = make()
            if flow == "raw":
                raw_sdk_stille_post(t)
            else:
                FLOWS[flow](t)
            end(t)
        samples.append((time.perf_counter_ns() - started) / (RUNS // 5) / 1000)
    return statistics.median(samples)


def raw_sdk_stille_post(tracer: Any) -> None:
    """The spans and events of a Stille Post run written directly on the SDK (no client)."""
    attrs = {"execution.id": "exec_20260101_000000_00000000", "execution.span.role": "stage",
             "execution.stage": 1}
    event = {"execution.item.sequence_number": 1, "execution.item.stage": 1,
             "execution.item.media_type": "text", "execution.item.metadata": '{"from_lang":"de"}',
             "execution.item.content": "A flower in the meadow"}
    root = tracer.start_span("execution stillepost", attributes=attrs)
    ctx = trace.set_span_in_context(root)
    start = tracer.start_span("pipeline start", context=ctx, attributes=attrs)
    start.add_event("pipeline_start", event)
    start.add_event("user_input_text", event)
    start.end()
    stage1 = tracer.start_span("stage1 pre-interception", context=ctx, attributes=attrs)
    stage1.add_event("stage1_safety_check", event)
    stage1.add_event("translation_result", event)
    stage1.end()
    stage2 = tracer.start_span("stage2 interception", context=ctx, attributes=attrs)
    ctx2 = trace.set_span_in_context(stage2)
    for _ in range(8):
        it = tracer.start_span("stage2 iteration", context=ctx2, attributes=attrs)
        it.add_event("interception_iteration", event)
        it.end()
    stage2.add_event("interception_final", event)
    stage2.end()
    root.add_event("pipeline_complete", event)
    root.end()


def main() -> None:
    provider = TracerProvider()
    processor = BatchSpanProcessor(Dropping(), max_queue_size=65_536)
    provider.add_span_processor(processor)

    def ours(policy: str) -> Callable[[], ExecutionTracker]:
        options = TrackerOptions(tracer_provider=provider, content_policy=policy,  # type: ignore[arg-type]
                                 finalize_wait_seconds=0, max_events_per_span=1024)
        return lambda: ExecutionTracker("dada", "eco", "kids", options=options)

    with tempfile.TemporaryDirectory() as tmp:
        earlier = load_earlier(Path(tmp))
        rows: list[tuple[str, float]] = []
        rows.append(("client, full content: µs per log call", per_call(ours("full"))))
        rows.append(("client, metadata policy: µs per log call", per_call(ours("metadata"))))
        if earlier:
            rows.append(("earlier tracker: µs per log call",
                         per_call(lambda: earlier.ExecutionTracker("dada", "eco", "kids"))))
        for flow, label in (("a", "dada, 6 items"), ("b", "Stille Post, 14 items"),
                            ("c", "two outputs, 10 items")):
            rows.append((f"client, metadata policy: µs per run ({label}), finalize without wait",
                         per_run(ours("metadata"), flow, lambda t: t.finalize())))
            if earlier:
                rows.append((f"earlier tracker: µs per run ({label}), record built in memory",
                             per_run(lambda: earlier.ExecutionTracker("dada", "eco", "kids"),
                                     flow, lambda t: t.get_execution_record())))
                rows.append((f"earlier tracker: µs per run ({label}), finalize (JSON file)",
                             per_run(lambda: earlier.ExecutionTracker("dada", "eco", "kids"),
                                     flow, lambda t: t.finalize())))
        tracer = provider.get_tracer("bench")
        rows.append(("raw SDK: µs per run (Stille Post's 12 spans and 14 events, no client)",
                     per_run(lambda: tracer, "raw", lambda t: None)))
        processor.force_flush()
        started = time.perf_counter()
        t = ExecutionTracker("stillepost", "eco", "kids", options=TrackerOptions(
            tracer_provider=provider, finalize_wait_seconds=5))
        FLOWS["b"](t)
        t.finalize()
        rows.append(("client: finalize() waiting for the export (ms, dropping exporter)",
                     (time.perf_counter() - started) * 1000))
        width = max(len(r[0]) for r in rows)
        print(f"Python client tracing overhead ({RUNS} runs per figure, median of 5)")
        for name, value in rows:
            print(f"  {name.ljust(width)}  {value:9.1f}")
        if os.environ.get("BENCH_FIGURES_JSON"):
            figures = [{"name": name, "value": f"{value:.1f}"} for name, value in rows]
            print(f"FIGURES {json.dumps(figures)}")
    provider.shutdown()


if __name__ == "__main__":
    main()
