"""Tells `finalize()` when a run's spans have been exported (the TypeScript OTLP path counts
exports the same way): an exporter wrapper that notes the outcome of each run span's export."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from . import attributes as A

#: Outcomes kept for runs nobody waited for (oldest dropped first).
_KEPT = 10_000


class ExportWatch(SpanExporter):
    """Wraps an exporter; `wait_for(trace_id)` says whether that run's span went out."""

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner
        self._done: OrderedDict[int, bool] = OrderedDict()
        self._cond = threading.Condition()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            result = self.inner.export(spans)
        except Exception:  # noqa: BLE001 - an exporter that raises failed
            result = SpanExportResult.FAILURE
        runs = [s.context.trace_id for s in spans
                if s.context is not None
                and (s.attributes or {}).get(A.ATTR_SPAN_ROLE) == A.ROLE_RUN]
        if runs:
            with self._cond:
                for trace_id in runs:
                    self._done[trace_id] = result is SpanExportResult.SUCCESS
                while len(self._done) > _KEPT:
                    self._done.popitem(last=False)
                self._cond.notify_all()
        return result

    def wait_for(self, trace_id: int, timeout_seconds: float) -> bool | None:
        """True: the run span was exported; False: its export failed; None: not within time."""
        with self._cond:
            self._cond.wait_for(lambda: trace_id in self._done, timeout_seconds)
            return self._done.pop(trace_id, None)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.inner.force_flush(timeout_millis)
