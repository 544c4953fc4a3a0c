"""The spans of one run, their only owner (the TypeScript tracker's `run-spans.ts`, in Python).

The run span; the start span (ended at once, so the record service's first checkpoint holds the
input); one span per stage 1 and 2, one per Stille Post iteration (child of stage 2), one per
stage 3 and 4 output loop; stage 0 and 5 items go on the run span. Spans opened implicitly (by
an item or a cursor call) end when the run moves to another stage; explicit ones (context
managers) end when their block exits. A span holding `max_events` items rolls over to a
`<name> (continued)` span.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, Tracer
from opentelemetry.util.types import Attributes

from . import attributes as A
from .span_error import record_span_error


@dataclass(frozen=True)
class Position:
    """Where an item or a span sits: stage, Stille Post iteration, output loop."""

    stage: int
    iteration: int | None = None
    loop: int | None = None

    @property
    def key(self) -> str:
        if self.stage == 2 and self.iteration is not None:
            return f"2.i{self.iteration}"
        if self.stage >= 3 and self.loop is not None:
            return f"{self.stage}.l{self.loop}"
        return str(self.stage)


@dataclass
class TrackedSpan:
    """A span the tracker holds open and where its item events go."""

    key: str
    stage: int
    name: str
    attributes: dict[str, str | int]
    spans: list[Span]
    explicit: bool
    #: Nanoseconds since which the next item's time is measured (perf_counter_ns).
    mark_ns: int
    events: int = 0
    failed: bool = field(default=False)


class RunSpans:
    """Opens, finds and ends the spans of one run."""

    def __init__(
        self,
        tracer: Tracer,
        execution_id: str,
        name: str,
        run_attributes: dict[str, str],
        start_time_ns: int,
        max_events: int,
        parent: Context | None,
        withhold_messages: bool = False,
    ) -> None:
        self.tracer = tracer
        self.withhold_messages = withhold_messages
        self.execution_id = execution_id
        self.max_events = max_events
        self._open: dict[str, TrackedSpan] = {}
        self._completed: set[int] = set()
        self._run_attributes = run_attributes
        now = time.perf_counter_ns()
        root = tracer.start_span(
            name,
            context=parent,
            attributes={**run_attributes, A.ATTR_SPAN_ROLE: A.ROLE_RUN},
            start_time=start_time_ns,
        )
        self.root = TrackedSpan("root", 5, name, {}, [root], True, now)
        self.root_context = trace.set_span_in_context(root, parent)
        self.start: TrackedSpan | None = None
        self.ended = False

    @property
    def trace_id(self) -> str:
        return format(self.root.spans[0].get_span_context().trace_id, "032x")

    def open_start(self, start_time_ns: int) -> TrackedSpan:
        """Opens the start span (stage 0), a child of the run span."""
        span = self.tracer.start_span(
            A.START_SPAN_NAME,
            context=self.root_context,
            attributes={
                **self._run_attributes,
                A.ATTR_SPAN_ROLE: A.ROLE_START,
                A.ATTR_STAGE: 0,
            },
            start_time=start_time_ns,
        )
        self.start = TrackedSpan("0", 0, A.START_SPAN_NAME, {}, [span], True, time.perf_counter_ns())
        return self.start

    def end_start(self) -> None:
        if self.start is not None:
            self._end_spans(self.start)

    def stages_completed(self) -> list[int]:
        """Stages whose span ended without error, ascending."""
        return sorted(self._completed)

    def find(self, position: Position) -> TrackedSpan | None:
        """The open span at `position` (the run span for stages 0 and 5)."""
        if position.stage <= 0 or position.stage >= 5:
            return self.root
        return self._open.get(position.key)

    def target(self, position: Position, mark_ns: int, start_ns: int | None = None) -> TrackedSpan:
        """The span an item at `position` goes on, opened implicitly (from `start_ns`) when needed."""
        return self.find(position) or self.begin(position, False, mark_ns, start_ns=start_ns)

    def begin(
        self,
        position: Position,
        explicit: bool,
        mark_ns: int,
        extra: dict[str, str] | None = None,
        start_ns: int | None = None,
    ) -> TrackedSpan:
        """Opens the span at `position`, ending implicit spans of other places first."""
        key = position.key
        existing = self._open.get(key)
        if existing is not None:
            self.end(existing)
        is_iteration = key.startswith("2.i")
        parent = self.root
        if is_iteration:
            parent = self.target(Position(2), mark_ns, start_ns)
            self._end_implicit(lambda t: t.key.startswith("2.i"))
        else:
            self._end_implicit(lambda t: t.key != key)
        attrs: dict[str, str | int] = {
            A.ATTR_EXECUTION_ID: self.execution_id,
            A.ATTR_SPAN_ROLE: A.ROLE_ITERATION if is_iteration else A.ROLE_STAGE,
            A.ATTR_STAGE: position.stage,
            **(extra or {}),
        }
        if is_iteration and position.iteration is not None:
            attrs[A.ATTR_STAGE_ITERATION] = position.iteration
        if position.loop is not None and position.stage >= 3:
            attrs[A.ATTR_LOOP_ITERATION] = position.loop
        name = (
            A.ITERATION_SPAN_NAME
            if is_iteration
            else A.STAGE_SPAN_NAMES.get(position.stage, f"stage{position.stage}")
        )
        span = self.tracer.start_span(
            name, context=self.context_of(parent), attributes=attrs, start_time=start_ns
        )
        tracked = TrackedSpan(key, position.stage, name, attrs, [span], explicit, mark_ns)
        self._open[key] = tracked
        return tracked

    def end(self, tracked: TrackedSpan, error: BaseException | None = None) -> None:
        """Ends a tracked span and its children; a failed one is not counted as completed."""
        if self._open.get(tracked.key) is not tracked:
            return
        for child in list(self._open.values()):
            if child.key.startswith(f"{tracked.key}."):
                self.end(child)
        del self._open[tracked.key]
        if error is not None:
            record_span_error(tracked.spans[0], error, self.withhold_messages)
            tracked.failed = True
        elif not tracked.failed and ".i" not in tracked.key:
            self._completed.add(tracked.stage)
        self._end_spans(tracked)

    def end_run(self) -> None:
        """Ends every open span, then the run span."""
        for t in list(self._open.values()):
            self.end(t)
        self._end_spans(self.root)
        self.ended = True

    def add_event(
        self, tracked: TrackedSpan, name: str, attributes: Attributes, time_ns: int
    ) -> None:
        """Adds an item event, rolling over to a continuation span when the span is full."""
        if tracked.events >= self.max_events:
            last = tracked.spans[-1]
            cont = self.tracer.start_span(
                f"{tracked.name} (continued)",
                context=trace.set_span_in_context(last, self.root_context),
                attributes={**tracked.attributes, A.ATTR_SPAN_ROLE: A.ROLE_CONTINUATION},
            )
            tracked.spans.append(cont)
            tracked.events = 0
        tracked.spans[-1].add_event(name, attributes, time_ns)
        tracked.events += 1

    def context_of(self, tracked: TrackedSpan) -> Context:
        """The context in which children of `tracked` start."""
        return trace.set_span_in_context(tracked.spans[0], self.root_context)

    def innermost(self) -> TrackedSpan:
        """The innermost open span of this run in the active context, else the run span."""
        active = trace.get_current_span(otel_context.get_current())
        for t in self._open.values():
            if t.spans[0] is active:
                return t
        return self.root

    def _end_spans(self, tracked: TrackedSpan) -> None:
        now = time.time_ns()
        for span in reversed(tracked.spans):
            span.end(now)

    def _end_implicit(self, which: Callable[[TrackedSpan], bool]) -> None:
        for t in list(self._open.values()):
            if not t.explicit and which(t) and t.key in self._open:
                self.end(t)

