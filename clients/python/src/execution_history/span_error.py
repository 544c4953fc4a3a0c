"""Errors on spans: status ERROR, `error.type` and one `exception` event, under a content policy."""

from __future__ import annotations

import traceback

from opentelemetry.trace import Span, Status, StatusCode

from . import attributes as A

def error_type(error: BaseException) -> str:
    return type(error).__name__


def record_span_error(span: Span, error: BaseException, withhold: bool = False) -> None:
    """Records `error` on `span`; with `withhold`, its message is replaced by its type."""
    kind = error_type(error)
    if withhold:
        # Frames without their source lines: a line may hold text that came from the child.
        frames = "".join(
            f'  File "{f.filename}", line {f.lineno}, in {f.name}\n'
            for f in traceback.extract_tb(error.__traceback__)
        )
        span.record_exception(
            error,
            attributes={
                "exception.type": kind,
                "exception.message": kind,
                "exception.stacktrace": f"{kind}\n{frames}",
            },
        )
        span.set_status(Status(StatusCode.ERROR, kind))
    else:
        span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, str(error) or kind))
    span.set_attribute(A.ATTR_ERROR_TYPE, kind)
