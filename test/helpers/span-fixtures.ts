import {
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Attributes,
  type HrTime,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

export const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

/** HrTime `ms` milliseconds after a fixed instant. */
export const at = (ms: number): HrTime => [
  1_780_000_000 + Math.floor(ms / 1000),
  (ms % 1000) * 1_000_000,
];

/** A finished span as the SDK hands it to exporters. */
export function spanFixture(f: {
  name?: string;
  spanId: string;
  parentSpanId?: string;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events?: TimedEvent[];
}): ReadableSpan {
  const durMs = f.endMs - f.startMs;
  return {
    name: f.name ?? 'span',
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId: TRACE_ID, spanId: f.spanId, traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: f.parentSpanId
      ? { traceId: TRACE_ID, spanId: f.parentSpanId, traceFlags: TraceFlags.SAMPLED }
      : undefined,
    startTime: at(f.startMs),
    endTime: at(f.endMs),
    duration: [Math.floor(durMs / 1000), (durMs % 1000) * 1_000_000],
    status: { code: SpanStatusCode.UNSET },
    attributes: f.attributes,
    links: [],
    events: f.events ?? [],
    ended: true,
    resource: resourceFromAttributes({}),
    instrumentationScope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

/** An item event. */
export function itemEvent(name: string, ms: number, attributes: Attributes): TimedEvent {
  return { name, time: at(ms), attributes, droppedAttributesCount: 0 };
}
