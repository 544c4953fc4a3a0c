"""The idiomatic API beside the earlier one: the run, its stages, iterations and backend calls
as context managers (`with tracker:`, `with tracker.stage(2):`, `with tracker.iteration(3):`,
`with tracker.backend_call("chat", "ollama"):`). A block's exception is recorded where it
happened and re-raised unchanged; tracing failures are logged, never raised."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Span

from . import attributes as A
from .backend_call import BackendCall, open_backend_span
from .models import ItemType, MediaType
from .run_recorder import RunRecorder
from .run_spans import Position, TrackedSpan

if TYPE_CHECKING:
    from .tracker import ExecutionTracker

log = logging.getLogger("execution_history")


class RunBlocks:
    """Context managers of `ExecutionTracker` (a mixin: the tracker holds the state)."""

    _rec: RunRecorder | None
    _itemized: BaseException | None
    current_stage: int
    current_stage_iteration: int | None
    current_loop_iteration: int | None

    def _withhold(self) -> bool:
        raise NotImplementedError

    def _fail(self, error: Exception) -> None:
        raise NotImplementedError

    def finalize(self) -> bool:
        raise NotImplementedError

    def __enter__(self) -> "ExecutionTracker":
        return self  # type: ignore[return-value]  # the mixin is only ever an ExecutionTracker

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Ends the run (`pipeline_error` and `failed` when the block raised) and finalizes."""
        if exc is not None and isinstance(exc, Exception):
            self._fail(exc)
        self.finalize()

    @contextmanager
    def stage(
        self,
        stage: int,
        *,
        loop: int | None = None,
        output_config: str | None = None,
        recoverable: bool = False,
    ) -> Iterator[Span]:
        """A stage span (stages 3 and 4: one per output `loop`) for the block; items logged in
        it go there. An exception of the block is recorded as `pipeline_error` of this stage
        (`recoverable`: the run goes on without it) and re-raised unchanged."""
        extra = {A.ATTR_OUTPUT_CONFIG: output_config} if output_config else None
        saved = (self.current_stage, self.current_loop_iteration)
        with self._block(Position(stage, loop=loop if stage >= 3 else None), extra, recoverable) as span:
            self.current_stage = stage
            if loop is not None:
                self.current_loop_iteration = loop
            try:
                yield span
            finally:
                self.current_stage, self.current_loop_iteration = saved

    @contextmanager
    def iteration(self, iteration: int) -> Iterator[Span]:
        """The span of Stille Post iteration `iteration` (child of stage 2) for the block."""
        saved = (self.current_stage, self.current_stage_iteration)
        with self._block(Position(2, iteration=iteration), None, False) as span:
            self.current_stage, self.current_stage_iteration = 2, iteration
            try:
                yield span
            finally:
                self.current_stage, self.current_stage_iteration = saved

    @contextmanager
    def backend_call(
        self,
        operation: str,
        provider: str,
        *,
        model: str | None = None,
        output_type: str | None = None,
    ) -> Iterator[BackendCall]:
        """A backend call span (`gen_ai.*`, kind CLIENT) for the block, measured in `.seconds`."""
        call = BackendCall()
        span: Span | None = None
        try:
            if self._rec:
                span = open_backend_span(self._rec.spans, operation, provider, model, output_type)
        except Exception:  # noqa: BLE001
            log.warning("[TRACKER] backend_call: could not open a span", exc_info=True)
        started = time.perf_counter()
        token = otel_context.attach(trace.set_span_in_context(span)) if span else None
        try:
            yield call
        except Exception as error:
            if span is not None:
                _safely(lambda: call.record_error(span, error, self._withhold()))
            raise
        finally:
            call.seconds = time.perf_counter() - started
            if token is not None:
                otel_context.detach(token)
            if span is not None:
                _safely(lambda: call.end(span))

    @contextmanager
    def _block(
        self, position: Position, extra: dict[str, str] | None, recoverable: bool
    ) -> Iterator[Span]:
        rec = self._rec
        tracked = None
        try:
            if rec is not None and not rec.ended:
                rec.mark()
                tracked = rec.spans.begin(position, True, rec.last_mark_ns, extra)
        except Exception:  # noqa: BLE001
            log.warning("[TRACKER] could not open the span of %s", position, exc_info=True)
        span = tracked.spans[0] if tracked else trace.INVALID_SPAN
        token = otel_context.attach(rec.spans.context_of(tracked)) if rec and tracked else None
        try:
            yield span
        except Exception as error:
            if rec is not None and tracked is not None:
                _safely(lambda: self._stage_failed(rec, tracked, position, error, recoverable))
            raise
        finally:
            if token is not None:
                otel_context.detach(token)
            if rec is not None and tracked is not None:
                _safely(lambda: rec.spans.end(tracked))

    def _stage_failed(self, rec: RunRecorder, tracked: TrackedSpan, position: Position,
                      error: Exception, recoverable: bool) -> None:
        if self._itemized is not error and not rec.ended:
            self._itemized = error
            kind = type(error).__name__
            rec.emit(tracked, position, ItemType.PIPELINE_ERROR, MediaType.METADATA,
                     content=f"{kind}: {error}",
                     metadata={"error_type": kind, "error_stage": position.stage,
                               "error_message": str(error), "recoverable": recoverable})
        rec.spans.end(tracked, error)



def _safely(fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception:  # noqa: BLE001
        log.warning("[TRACKER] tracing step failed", exc_info=True)
