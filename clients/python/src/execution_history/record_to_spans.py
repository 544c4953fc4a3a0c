"""A whole record as spans, sent to the record service's OTLP endpoint (`save_execution_record`).

A record whose run ended (`completed`, `blocked`, `failed`) becomes one `run` span carrying every
item; an unfinished one a `start` span, so the service keeps it `incomplete`. Content is sent in
full: saving a record is the operator's explicit act.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.trace import ReadableSpan, SpanLimits, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from . import attributes as A
from .item_codec import encode_item
from .models import ExecutionRecord
from .record_service import RecordServiceClient, RecordServiceError
from .run_tally import RunTally
from .tracing import process_resource

_ENDED = ("completed", "blocked", "failed")


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _ns(when: datetime) -> int:
    """Epoch nanoseconds of `when` (naive: local time), exact to the microsecond."""
    aware = when if when.tzinfo else when.astimezone()
    return (aware - _EPOCH) // timedelta(microseconds=1) * 1000


def record_spans(record: ExecutionRecord) -> list[ReadableSpan]:
    """The spans the record service rebuilds `record` from (pure, apart from span ids)."""
    memory = InMemorySpanExporter()
    provider = TracerProvider(
        resource=process_resource(),
        span_limits=SpanLimits(max_events=len(record.items) + 1),
    )
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer(A.TRACER_NAME)
    tally = RunTally()
    for item in record.items:
        tally.observe(item)
    status = record.status if record.status in _ENDED else None
    if status is None and any(i.item_type == "pipeline_complete" for i in record.items):
        status = tally.outcome([]).status
    attributes: dict[str, str | int] = {
        A.ATTR_EXECUTION_ID: record.execution_id,
        A.ATTR_CONFIG_NAME: record.config_name,
        A.ATTR_EXECUTION_MODE: record.execution_mode,
        A.ATTR_SAFETY_LEVEL: record.safety_level,
        A.ATTR_USER_ID: record.user_id,
        A.ATTR_SESSION_ID: record.session_id,
        A.ATTR_TAXONOMY_VERSION: record.taxonomy_version,
        A.ATTR_SPAN_ROLE: A.ROLE_RUN if status else A.ROLE_START,
    }
    if status:
        outcome = tally.outcome([])
        attributes.update(
            {
                A.ATTR_STATUS: status,
                A.ATTR_OUTPUTS_PRODUCED: outcome.outputs_produced,
                A.ATTR_OUTPUTS_BLOCKED: outcome.outputs_blocked,
                A.ATTR_OUTPUTS_FAILED: outcome.outputs_failed,
            }
        )
    else:
        attributes[A.ATTR_STAGE] = 0
    if record.used_seed is not None:
        attributes[A.ATTR_USED_SEED] = record.used_seed
    start = _ns(record.timestamp)
    name = f"execution {record.config_name}" if status else A.START_SPAN_NAME
    span = tracer.start_span(name, attributes=attributes, start_time=start)
    for item in record.items:
        kind = str(getattr(item.item_type, "value", item.item_type))
        span.add_event(kind, encode_item(item, "full"), _ns(item.timestamp))
    span.end(start + round((record.total_execution_time or 0) * 1e6) * 1000)
    provider.shutdown()
    return list(memory.get_finished_spans())


def send_record(record: ExecutionRecord, client: RecordServiceClient) -> None:
    """Exports the record's spans to `<base>/v1/traces`; raises `RecordServiceError` on failure."""
    exporter = OTLPSpanExporter(
        endpoint=f"{client.base_url}/v1/traces",
        headers={k: v for k, v in client.headers().items() if k == "authorization"},
        timeout=int(client.timeout_seconds),
    )
    try:
        result = exporter.export(record_spans(record))
    finally:
        exporter.shutdown()  # type: ignore[no-untyped-call]  # untyped in the SDK
    if result is not SpanExportResult.SUCCESS:
        raise RecordServiceError(f"could not send record {record.execution_id}")
