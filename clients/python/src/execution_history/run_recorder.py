"""Records one run's items on its spans: numbers, times and encodes each item once, keeps the
tally, and ends the run (the TypeScript tracker's `run-recorder.ts`, in Python)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context

from . import attributes as A
from .item_codec import encode_item
from .models import ExecutionItem, ItemType, MediaType
from .options import ResolvedOptions
from .run_spans import Position, RunSpans, TrackedSpan
from .run_tally import RunOutcome, RunTally
from .span_error import record_span_error
from .tracing import tracer_for

log = logging.getLogger("execution_history")

#: Item types whose execution time, when not given, is measured.
TIMED: frozenset[str] = frozenset(
    {
        "pipeline_error",
        "translation_result",
        "stage1_safety_check",
        "stage1_safety_check_image",
        "interception_iteration",
        "interception_final",
        "stage3_safety_check",
        "output_image",
        "output_audio",
        "output_music",
        "output_video",
        "output_3d",
    }
)

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _value(kind: ItemType | MediaType | str) -> str:
    return str(getattr(kind, "value", kind))


class RunRecorder:
    """The state of one run and the one place its items are made."""

    def __init__(
        self,
        options: ResolvedOptions,
        execution_id: str,
        run_attributes: dict[str, str],
        config_name: str,
        start_time_ns: int,
        parent: Context | None,
    ) -> None:
        provider = options.tracer_provider
        assert provider is not None
        self.options = options
        self.execution_id = execution_id
        self.start_time_ns = start_time_ns
        self.started_perf_ns = time.perf_counter_ns()
        self.last_mark_ns = self.started_perf_ns
        self.last_mark_wall_ns = start_time_ns
        self.spans = RunSpans(
            tracer_for(provider),
            execution_id,
            f"execution {config_name}",
            run_attributes,
            start_time_ns,
            options.max_events_per_span,
            parent,
            withhold_messages=options.content_policy == "metadata",
        )
        self.items: list[ExecutionItem] = []
        self.tally = RunTally()
        self.outcome: RunOutcome | None = None
        self.sequence = 0
        self.seed: int | None = None

    @property
    def ended(self) -> bool:
        return self.outcome is not None

    def mark(self) -> None:
        """The run moved on (a cursor call): the next step's time is measured from now."""
        self.last_mark_ns = time.perf_counter_ns()
        self.last_mark_wall_ns = time.time_ns()

    def span_at(self, position: Position) -> TrackedSpan:
        """The span of `position`; one opened now starts at the last mark (the step's start)."""
        return self.spans.target(position, self.last_mark_ns, self.last_mark_wall_ns)

    def emit(
        self,
        target: TrackedSpan,
        position: Position,
        item_type: ItemType | str,
        media_type: MediaType | str,
        *,
        content: str | None = None,
        file_path: str | None = None,
        config_used: str | None = None,
        model_used: str | None = None,
        backend_type: str | None = None,
        execution_time: float | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> ExecutionItem | None:
        """Numbers, times, records and returns an item on `target` (None once the run ended)."""
        if self.outcome is not None:
            log.warning("%s: run %s has already ended; ignored", _value(item_type), self.execution_id)
            return None
        now_ns = time.time_ns()
        perf = time.perf_counter_ns()
        if execution_time is None and _value(item_type) in TIMED:
            execution_time = round((perf - target.mark_ns) / 1e9, 6)
        self.sequence += 1
        item = ExecutionItem(
            sequence_number=self.sequence,
            timestamp=(_EPOCH + timedelta(microseconds=now_ns // 1000)).astimezone(),
            stage=position.stage,
            stage_iteration=position.iteration,
            loop_iteration=position.loop,
            media_type=media_type,
            item_type=item_type,
            content=content,
            file_path=file_path,
            config_used=config_used,
            model_used=model_used,
            backend_type=backend_type,
            execution_time=execution_time,
            metadata=metadata or {},
        )
        attributes = encode_item(item, self.options.content_policy)
        self.spans.add_event(target, _value(item_type), attributes, now_ns)
        target.mark_ns = perf
        self.last_mark_ns = perf
        self.last_mark_wall_ns = now_ns
        self.items.append(item)
        self.tally.observe(item)
        return item

    def record(
        self, position: Position, item_type: ItemType | str, media_type: MediaType | str, **fields: Any
    ) -> ExecutionItem | None:
        """`emit` on the span of `position` (opened implicitly when needed)."""
        if self.outcome is not None:
            return self.emit(self.spans.root, position, item_type, media_type, **fields)
        return self.emit(self.span_at(position), position, item_type, media_type, **fields)

    def set_seed(self, seed: int) -> None:
        if seed != self.seed and not self.spans.ended:
            self.seed = seed
            self.spans.root.spans[0].set_attribute(A.ATTR_USED_SEED, seed)

    def seconds(self) -> float:
        return round((time.perf_counter_ns() - self.started_perf_ns) / 1e9, 6)

    def current_outcome(self) -> RunOutcome:
        return self.tally.outcome(self.spans.stages_completed())

    def finish(self, outcome: RunOutcome, error: BaseException | None = None) -> None:
        """Sets the outcome on the run span and ends every span of the run."""
        self.outcome = outcome
        root = self.spans.root.spans[0]
        root.set_attributes(
            {
                A.ATTR_STATUS: outcome.status,
                A.ATTR_OUTPUTS_PRODUCED: outcome.outputs_produced,
                A.ATTR_OUTPUTS_BLOCKED: outcome.outputs_blocked,
                A.ATTR_OUTPUTS_FAILED: outcome.outputs_failed,
            }
        )
        if error is not None:
            record_span_error(root, error, self.spans.withhold_messages)
        elif outcome.status == "failed":
            errors = [i for i in self.items if _value(i.item_type) == "pipeline_error"]
            kind = str(errors[-1].metadata.get("error_type", "Error")) if errors else "Error"
            root.set_status(trace.Status(trace.StatusCode.ERROR, kind))
            root.set_attribute(A.ATTR_ERROR_TYPE, kind)
        self.spans.end_run()
