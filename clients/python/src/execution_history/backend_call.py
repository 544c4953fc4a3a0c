"""Backend calls as client spans with `gen_ai.*` attributes (the TypeScript `backend-span.ts`)."""

from __future__ import annotations

import time

from opentelemetry import trace
from opentelemetry.trace import Span, SpanKind

from . import attributes as A
from .run_spans import RunSpans
from .span_error import record_span_error


class BackendCall:
    """One backend call in a `with tracker.backend_call(...)` block."""

    def __init__(self) -> None:
        #: Seconds the block took (set when it exits).
        self.seconds = 0.0
        self._usage: dict[str, str | int] = {}

    def set_usage(
        self,
        input_tokens: int | None = None,
        output_tokens: int | None = None,
        response_model: str | None = None,
    ) -> None:
        """Token usage and the answering model, as the backend reported them."""
        if input_tokens is not None:
            self._usage[A.ATTR_GEN_AI_USAGE_INPUT_TOKENS] = input_tokens
        if output_tokens is not None:
            self._usage[A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = output_tokens
        if response_model:
            self._usage[A.ATTR_GEN_AI_RESPONSE_MODEL] = response_model

    def record_error(self, span: Span, error: BaseException, withhold: bool) -> None:
        record_span_error(span, error, withhold)

    def end(self, span: Span) -> None:
        if self._usage:
            span.set_attributes(self._usage)
        span.end(time.time_ns())


def open_backend_span(
    spans: RunSpans, operation: str, provider: str, model: str | None, output_type: str | None
) -> Span:
    """A CLIENT span, child of the run's innermost open span in the active context."""
    attrs: dict[str, str] = {
        A.ATTR_EXECUTION_ID: spans.execution_id,
        A.ATTR_SPAN_ROLE: A.ROLE_BACKEND,
        A.ATTR_GEN_AI_OPERATION_NAME: operation,
        A.ATTR_GEN_AI_PROVIDER_NAME: provider,
    }
    if model:
        attrs[A.ATTR_GEN_AI_REQUEST_MODEL] = model
    if output_type:
        attrs[A.ATTR_GEN_AI_OUTPUT_TYPE] = output_type
    parent = spans.innermost().spans[0]
    return spans.tracer.start_span(
        f"{operation} {model or provider}",
        context=trace.set_span_in_context(parent, spans.root_context),
        kind=SpanKind.CLIENT,
        attributes=attrs,
    )
