import type { SpanStatusCode } from '@opentelemetry/api';
import { SpanKind, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { normalizeExecutionId } from '../domain/execution-id.js';
import { ATTR_EXECUTION_ID } from '../telemetry/tracker/attributes.js';
import { toAttributes } from './otlp-attributes.js';
import type { IdEncoding, OtlpSpan, OtlpTraceRequest } from './otlp-trace-request.js';

/** What a request's spans became: readable spans, and the spans refused with the reasons. */
export interface ConvertedSpans {
  spans: ReadableSpan[];
  rejected: number;
  /** One message per distinct reason, for `partial_success.error_message`. */
  errors: string[];
}

/** Thrown for one span that cannot be read; the others of the request go on. */
export class SpanRejection extends Error {
  override readonly name = 'SpanRejection';
}

const KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_NAMES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

const enumValue = (v: number | string | undefined, names: Readonly<Record<string, number>>) =>
  typeof v === 'number' ? v : v === undefined ? 0 : (names[v] ?? -1);

/** An id as lowercase hex, checked for its byte length; '' for an absent optional id. */
function hexId(value: string | undefined, bytes: number, ids: IdEncoding, what: string): string {
  if (!value) return '';
  const hex = ids === 'hex' ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
  if (!new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(hex) || /^0+$/.test(hex)) {
    throw new SpanRejection(`${what} must be ${bytes} bytes, not all zero`);
  }
  return hex;
}

/** Unix nanoseconds as an HrTime, exactly. */
function hrTime(nanos: string | number | undefined, what: string): HrTime {
  if (nanos === undefined) throw new SpanRejection(`${what} is missing`);
  const n = typeof nanos === 'number' ? BigInt(Math.round(nanos)) : BigInt(nanos);
  if (n <= 0n || n >= 2n ** 63n) throw new SpanRejection(`${what} is out of range`);
  return [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];
}

const nanosOf = (t: HrTime): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
const fromNanos = (n: bigint): HrTime => [Number(n / 1_000_000_000n), Number(n % 1_000_000_000n)];

/** Span attributes with `execution.id` in its stored spelling (upper-case hex accepted). */
function withExecutionId(attributes: Attributes): Attributes {
  const id = attributes[ATTR_EXECUTION_ID];
  if (typeof id !== 'string') return attributes;
  const normal = normalizeExecutionId(id);
  return normal === id ? attributes : { ...attributes, [ATTR_EXECUTION_ID]: normal };
}

/** One OTLP span as a ReadableSpan (pure; throws `SpanRejection`). */
export function toReadableSpan(
  span: OtlpSpan,
  ids: IdEncoding,
  resource: Resource,
  scope: InstrumentationScope,
): ReadableSpan {
  const traceId = hexId(span.traceId, 16, ids, 'trace_id');
  const spanId = hexId(span.spanId, 8, ids, 'span_id');
  if (!traceId || !spanId) throw new SpanRejection('trace_id and span_id are required');
  const parentId = hexId(span.parentSpanId, 8, ids, 'parent_span_id');
  const startTime = hrTime(span.startTimeUnixNano, 'start_time_unix_nano');
  const endTime = hrTime(span.endTimeUnixNano, 'end_time_unix_nano');
  const duration = nanosOf(endTime) - nanosOf(startTime);
  if (duration < 0n) throw new SpanRejection('end_time_unix_nano is before start_time_unix_nano');
  const kind = enumValue(span.kind, KIND_NAMES);
  const code = enumValue(span.status?.code, STATUS_NAMES);
  if (kind < 0 || kind > 5) throw new SpanRejection('kind is not a SpanKind');
  if (code < 0 || code > 2) throw new SpanRejection('status.code is not a StatusCode');
  const traceFlags = (span.flags ?? 1) & 0xff;
  const context: SpanContext = { traceId, spanId, traceFlags };
  const events: TimedEvent[] = (span.events ?? []).map((e) => ({
    name: e.name ?? '',
    time: hrTime(e.timeUnixNano, 'event time_unix_nano'),
    attributes: toAttributes(e.attributes),
    droppedAttributesCount: e.droppedAttributesCount ?? 0,
  }));
  return {
    name: span.name ?? '',
    kind: (kind === 0 ? SpanKind.INTERNAL : kind - 1) as SpanKind,
    spanContext: () => context,
    parentSpanContext: parentId
      ? { traceId, spanId: parentId, traceFlags, isRemote: true }
      : undefined,
    startTime,
    endTime,
    duration: fromNanos(duration),
    status: {
      code: code as SpanStatusCode,
      ...(span.status?.message ? { message: span.status.message } : {}),
    },
    attributes: withExecutionId(toAttributes(span.attributes)),
    links: [],
    events,
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    droppedEventsCount: span.droppedEventsCount ?? 0,
    droppedLinksCount: span.droppedLinksCount ?? 0,
  };
}

/**
 * Every span of a request as a ReadableSpan (pure). A span that cannot be read (bad ids or
 * times), or that `check` refuses, is counted as rejected with its reason; the rest go on.
 */
export function toReadableSpans(
  request: OtlpTraceRequest,
  ids: IdEncoding,
  check: (span: ReadableSpan) => void = () => {},
): ConvertedSpans {
  const spans: ReadableSpan[] = [];
  const errors = new Set<string>();
  let rejected = 0;
  for (const rs of request.resourceSpans ?? []) {
    const resource = resourceFromAttributes(toAttributes(rs.resource?.attributes));
    for (const ss of rs.scopeSpans ?? []) {
      const scope: InstrumentationScope = {
        name: ss.scope?.name ?? '',
        version: ss.scope?.version || undefined,
        schemaUrl: ss.schemaUrl || undefined,
      };
      for (const s of ss.spans ?? []) {
        try {
          const span = toReadableSpan(s, ids, resource, scope);
          check(span);
          spans.push(span);
        } catch (error) {
          if (!(error instanceof SpanRejection)) throw error;
          rejected += 1;
          errors.add(error.message);
        }
      }
    }
  }
  return { spans, rejected, errors: [...errors] };
}
