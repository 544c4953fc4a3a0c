"""A small Stille Post pipeline instrumented with the OpenTelemetry Python SDK.

It emits the span conventions of execution-history (docs/span-conventions.md, version 1) the
way the platform's Python server would be instrumented, so a record service (PIPELINE=off,
behind a Collector) rebuilds each run's ExecutionRecord from the spans alone. Its Go twin,
examples/go-stillepost, emits the same spans and drives the end-to-end tests.

The "LLM" is an offline stand-in (backend "offline", model "example-offline-v1"); the real
server records its real model, backend and timings in the same places.

    python -m venv .venv && .venv/bin/pip install -r requirements.txt
    OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 .venv/bin/python stillepost.py --runs 3

The exporter reads the standard variables (OTEL_EXPORTER_OTLP_ENDPOINT, ..._HEADERS). One JSON
line per run goes to stdout: {"execution_id", "trace_id", "items"}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import secrets
import sys
import time
from datetime import datetime, timezone

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

MODEL = "example-offline-v1"
BACKEND = "offline"
# The chain of a Stille Post run: each iteration translates into the next language.
CHAIN = ["en", "en", "fr", "nl", "hi", "tr", "pl", "ko", "en"]
RUN_FIELDS = {
    "execution.config_name": "stillepost",
    "execution.mode": "eco",
    "execution.safety_level": "kids",
    "execution.user_id": "anonymous",
    "execution.session_id": "default",
    "execution.taxonomy_version": "1.1",
}


def new_execution_id(now: datetime) -> str:
    """exec_YYYYMMDD_HHMMSS_<8 hex>, the record's id format."""
    return f"exec_{now.strftime('%Y%m%d_%H%M%S')}_{secrets.token_hex(4)}"


class Run:
    """One pipeline run: its id, its tracer and its item counter."""

    def __init__(self, tracer: Tracer, policy: str) -> None:
        self.started = datetime.now(timezone.utc)
        self.id = new_execution_id(self.started)
        self.tracer = tracer
        self.policy = policy
        self.sequence = 0

    def add(self, span: Span, item_type: str, stage: int, media_type: str, metadata: dict,
            content: str | None = None, stage_iteration: int | None = None,
            config_used: str | None = None, model_used: str | None = None,
            backend_type: str | None = None, seconds: float | None = None) -> None:
        """Records an item as a span event named after its type (the conventions' item table)."""
        self.sequence += 1
        attributes = {
            "execution.item.sequence_number": self.sequence,
            "execution.item.stage": stage,
            "execution.item.media_type": media_type,
            "execution.item.metadata": json.dumps(metadata, ensure_ascii=False),
        }
        if stage_iteration is not None:
            attributes["execution.item.stage_iteration"] = stage_iteration
        if content is not None:
            if self.policy == "full":
                attributes["execution.item.content"] = content
            else:  # the metadata policy: nothing of the child's text leaves the process
                attributes["execution.item.content_length"] = len(content)
                attributes["execution.item.content_sha256"] = hashlib.sha256(
                    content.encode("utf-8")).hexdigest()
        for key, value in (("config_used", config_used), ("model_used", model_used),
                           ("backend_type", backend_type)):
            if value:
                attributes[f"execution.item.{key}"] = value
        if seconds:
            attributes["execution.item.execution_time"] = seconds
        span.add_event(item_type, attributes)

    def translate(self, text: str, source: str, target: str) -> tuple[str, float]:
        """The offline stand-in for the LLM call, as a backend span of its own."""
        start = time.perf_counter()
        with self.tracer.start_as_current_span(f"chat {MODEL}", kind=SpanKind.CLIENT, attributes={
            "execution.id": self.id,
            "execution.span.role": "backend",
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": BACKEND,
            "gen_ai.request.model": MODEL,
            "gen_ai.response.model": MODEL,
            "gen_ai.output.type": "text",
        }):
            if source != target:
                text = f"[{target}] {text.removeprefix(f'[{source}] ')}"
        return text, time.perf_counter() - start


def pipeline(tracer: Tracer, text: str, policy: str) -> dict:
    """Stages 1 and 2 of Stille Post for one input; returns the run's ids."""
    run = Run(tracer, policy)
    started = time.perf_counter()
    with tracer.start_as_current_span(
            "execution stillepost",
            attributes={"execution.id": run.id, **RUN_FIELDS, "execution.span.role": "run"}) as root:
        # The start span: the run's fields, pipeline_start and the child's input, ended at once.
        with tracer.start_as_current_span("pipeline start", attributes={
                "execution.id": run.id, **RUN_FIELDS,
                "execution.span.role": "start", "execution.stage": 0}) as start:
            run.add(start, "pipeline_start", 0, "metadata", {
                "config_name": "stillepost", "execution_mode": "eco", "safety_level": "kids",
                "user_id": "anonymous", "session_id": "default",
                "request_timestamp": run.started.isoformat().replace("+00:00", "Z"),
            })
            run.add(start, "user_input_text", 1, "text",
                    {"input_language": "de", "char_count": len(text)}, content=text)

        # Stage 1: the safety check and the translation into English.
        with tracer.start_as_current_span("stage1 pre-interception", attributes={
                "execution.id": run.id, "execution.span.role": "stage",
                "execution.stage": 1}) as stage1:
            run.add(stage1, "stage1_safety_check", 1, "metadata",
                    {"safe": True, "method": "fast_filter", "safety_level": "kids"}, seconds=0.0001)
            english, took = run.translate(text, "de", "en")
            run.add(stage1, "translation_result", 1, "text", {"from_lang": "de", "to_lang": "en"},
                    content=english, model_used=MODEL, backend_type=BACKEND, seconds=took)

        # Stage 2: one iteration span per step of the language chain, then the final item.
        with tracer.start_as_current_span("stage2 interception", attributes={
                "execution.id": run.id, "execution.span.role": "stage",
                "execution.stage": 2}) as stage2:
            current = english
            for i in range(1, len(CHAIN)):
                with tracer.start_as_current_span("stage2 iteration", attributes={
                        "execution.id": run.id, "execution.span.role": "iteration",
                        "execution.stage": 2, "execution.stage_iteration": i}) as iteration:
                    current, took = run.translate(current, CHAIN[i - 1], CHAIN[i])
                    run.add(iteration, "interception_iteration", 2, "text",
                            {"from_lang": CHAIN[i - 1], "to_lang": CHAIN[i],
                             "iteration_type": "translation"},
                            content=current, stage_iteration=i, config_used="stillepost",
                            model_used=MODEL, backend_type=BACKEND, seconds=took)
            run.add(stage2, "interception_final", 2, "text",
                    {"total_iterations": len(CHAIN) - 1, "transformation_type": "stillepost",
                     "language_sequence": CHAIN},
                    content=current, config_used="stillepost")

        # The run span ends last, with the outcome and pipeline_complete (stage 5).
        run.add(root, "pipeline_complete", 5, "metadata", {
            "outcome": "completed", "outputs_produced": 0, "outputs_blocked": 0,
            "outputs_failed": 0, "stages_completed": [1, 2],
            "total_duration_seconds": time.perf_counter() - started,
            "total_items_logged": run.sequence + 1,
        })
        root.set_attributes({"execution.status": "completed", "execution.outputs.produced": 0,
                             "execution.outputs.blocked": 0, "execution.outputs.failed": 0})
        root.set_status(Status(StatusCode.OK))
        trace_id = format(root.get_span_context().trace_id, "032x")
    return {"execution_id": run.id, "trace_id": trace_id, "items": run.sequence}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="how many runs")
    parser.add_argument("--input", default="Eine Blume auf der Wiese",
                        help='the child\'s text (run k of several gets " k" appended)')
    parser.add_argument("--content-policy", choices=["full", "metadata"], default="full",
                        help="full: item text in the spans; metadata: length and SHA-256 only")
    args = parser.parse_args()
    provider = TracerProvider(resource=Resource.create(
        {"service.name": "python-stillepost", "service.version": "1.0.0"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    tracer = provider.get_tracer("execution-history/examples/python")
    for k in range(1, args.runs + 1):
        text = f"{args.input} {k}" if args.runs > 1 else args.input
        print(json.dumps(pipeline(tracer, text, args.content_policy)), flush=True)
    # force_flush returns False when spans could not be exported in time.
    flushed = provider.force_flush(30_000)
    provider.shutdown()
    return 0 if flushed else 1


if __name__ == "__main__":
    sys.exit(main())
