import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** Bounds of a run buffer; every one defaults to no bound (the in-process path trusts its spans). */
export interface RunLimits {
  /** Spans one run may hold in the buffer; the rest are refused. */
  maxSpansPerRun?: number;
  /** Span events (items) one run may hold, in the buffer and in its record. */
  maxEventsPerRun?: number;
  /** Estimated bytes (see `estimateSpanBytes`) one run may hold in the buffer. */
  maxBytesPerRun?: number;
  /** Estimated bytes all open runs may hold together; past it whole exports are refused (retry later). */
  maxBufferedBytes?: number;
}

/** Why spans of a run were refused. */
export type RefusalReason = 'run_spans' | 'run_events' | 'run_bytes' | 'other_trace';

/** Spans of one run the buffer did not take. */
export interface SpanRefusal {
  executionId: string;
  spans: number;
  reason: RefusalReason;
}

/** An export refused whole because the buffer is full: the sender should retry later. */
export class BufferFullError extends Error {
  override readonly name = 'BufferFullError';
}

/** Fixed cost of a span object, its context, times and arrays (V8; bench/ingest-flood.bench.ts). */
const SPAN_OVERHEAD = 900;
const EVENT_OVERHEAD = 120;
const ATTRIBUTE_OVERHEAD = 60;

function valueBytes(value: AttributeValue | undefined): number {
  if (typeof value === 'string') return 2 * value.length;
  if (Array.isArray(value)) {
    let sum = 16;
    for (const v of value) sum += typeof v === 'string' ? 2 * v.length + 16 : 16;
    return sum;
  }
  return 16;
}

function attributesBytes(attributes: Attributes): number {
  let sum = 0;
  for (const key in attributes)
    sum += ATTRIBUTE_OVERHEAD + 2 * key.length + valueBytes(attributes[key]);
  return sum;
}

/**
 * The memory a buffered span holds, estimated from its strings (two bytes per character, an
 * upper bound) and a fixed cost per span, event and attribute (pure). The resource is shared
 * by the spans of one request and is not counted.
 */
export function estimateSpanBytes(span: ReadableSpan): number {
  let sum = SPAN_OVERHEAD + 2 * span.name.length + attributesBytes(span.attributes);
  for (const event of span.events)
    sum += EVENT_OVERHEAD + 2 * event.name.length + attributesBytes(event.attributes ?? {});
  return sum;
}

/** What a run already holds, for the limit checks. */
export interface RunUsage {
  spans: number;
  events: number;
  bytes: number;
}

/**
 * Splits one run's incoming spans into those that fit its limits (in order) and the reason the
 * rest do not (pure). `usage` is what the run holds already. Without a byte bound, bytes are
 * not estimated (counted as 0).
 */
export function fitRun(
  spans: readonly ReadableSpan[],
  usage: RunUsage,
  limits: RunLimits,
): { taken: ReadableSpan[]; added: RunUsage; refused: number; reason?: RefusalReason } {
  const added = { spans: 0, events: 0, bytes: 0 };
  const taken: ReadableSpan[] = [];
  let reason: RefusalReason | undefined;
  // Bytes are estimated only where they are bounded (ingest); the in-process path has no bound.
  const measure = limits.maxBytesPerRun !== undefined || limits.maxBufferedBytes !== undefined;
  for (const span of spans) {
    const bytes = measure ? estimateSpanBytes(span) : 0;
    const why =
      usage.spans + added.spans + 1 > (limits.maxSpansPerRun ?? Infinity)
        ? 'run_spans'
        : usage.events + added.events + span.events.length > (limits.maxEventsPerRun ?? Infinity)
          ? 'run_events'
          : usage.bytes + added.bytes + bytes > (limits.maxBytesPerRun ?? Infinity)
            ? 'run_bytes'
            : undefined;
    if (why) {
      reason ??= why;
      continue;
    }
    taken.push(span);
    added.spans += 1;
    added.events += span.events.length;
    added.bytes += bytes;
  }
  return { taken, added, refused: spans.length - taken.length, reason };
}
