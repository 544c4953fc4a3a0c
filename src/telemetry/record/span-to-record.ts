import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ExecutionItem } from '../../domain/execution-item.js';
import {
  ExecutionRecordSchema,
  RECORD_STATUSES,
  TAXONOMY_VERSION,
  type RecordStatus,
  type ExecutionRecord,
} from '../../domain/execution-record.js';
import { RUN_DEFAULTS } from '../../domain/run-defaults.js';
import { tokenUsage } from '../../domain/token-usage.js';
import { formatHrTime, roundSeconds } from '../../domain/timestamp.js';
import * as A from '../tracker/attributes.js';
import { decodeItem, num, str } from '../tracker/item-codec.js';

/** Options of `spansToRecord`. */
export interface SpansToRecordOptions {
  /** Force this status (a checkpoint is `incomplete`); default: the run span's status. */
  status?: string;
  /** Builds the link to the trace in Jaeger's UI; default: no link. */
  traceUrl?: (traceId: string) => string | null;
}

/** The span that carries the run attributes: the run span, else the start span. */
export function findRunSpans(spans: readonly ReadableSpan[]): {
  run?: ReadableSpan;
  start?: ReadableSpan;
} {
  let run: ReadableSpan | undefined;
  let start: ReadableSpan | undefined;
  for (const s of spans) {
    const role = s.attributes[A.ATTR_SPAN_ROLE];
    if (role === A.ROLE_RUN) run = s;
    else if (role === A.ROLE_START) start = s;
  }
  return { run, start };
}

/**
 * The items recorded as events on `spans`, ordered by sequence number, duplicates dropped. An
 * item without its own Stille Post iteration or output loop takes its span's
 * (`execution.stage_iteration`, `execution.loop_iteration`; conventions 1.1).
 */
export function spansToItems(spans: readonly ReadableSpan[]): ExecutionItem[] {
  const bySequence = new Map<number, ExecutionItem>();
  for (const span of spans) {
    const iteration = num(span.attributes, A.ATTR_STAGE_ITERATION);
    const loop = num(span.attributes, A.ATTR_LOOP_ITERATION);
    for (const event of span.events) {
      const item = decodeItem(event);
      if (!item) continue;
      if (item.stage_iteration === null && iteration !== null) item.stage_iteration = iteration;
      if (item.loop_iteration === null && loop !== null) item.loop_iteration = loop;
      bySequence.set(item.sequence_number, item);
    }
  }
  return [...bySequence.values()].sort((a, b) => a.sequence_number - b.sequence_number);
}

/**
 * Assembles the ExecutionRecord of one run from its spans (pure). Needs the run span or the start
 * span for the run's fields; without the run span the record is a checkpoint: `incomplete`,
 * timed up to the latest span end. The result has passed the record schema.
 */
export function spansToRecord(
  spans: readonly ReadableSpan[],
  options: SpansToRecordOptions = {},
): ExecutionRecord {
  const { run, start } = findRunSpans(spans);
  const head = run ?? start;
  if (!head) throw new Error('cannot assemble a record without the run span or the start span');
  const a = head.attributes;
  const startTime = head.startTime;
  let totalSeconds: number;
  if (run) {
    totalSeconds = hrTimeToMicroseconds(run.duration) / 1e6;
  } else {
    let latest = hrTimeToMicroseconds(startTime);
    for (const s of spans) latest = Math.max(latest, hrTimeToMicroseconds(s.endTime));
    totalSeconds = (latest - hrTimeToMicroseconds(startTime)) / 1e6;
  }
  const traceId = head.spanContext().traceId;
  const status =
    options.status ?? (run ? (str(run.attributes, A.ATTR_STATUS) ?? 'completed') : 'incomplete');
  const items = spansToItems(spans);
  const usage = tokenUsage(items);
  return ExecutionRecordSchema.parse({
    execution_id: str(a, A.ATTR_EXECUTION_ID),
    config_name: str(a, A.ATTR_CONFIG_NAME),
    timestamp: formatHrTime(startTime),
    user_id: str(a, A.ATTR_USER_ID) ?? RUN_DEFAULTS.userId,
    session_id: str(a, A.ATTR_SESSION_ID) ?? RUN_DEFAULTS.sessionId,
    execution_mode: str(a, A.ATTR_EXECUTION_MODE) ?? RUN_DEFAULTS.executionMode,
    safety_level: str(a, A.ATTR_SAFETY_LEVEL) ?? RUN_DEFAULTS.safetyLevel,
    used_seed: run ? num(run.attributes, A.ATTR_USED_SEED) : null,
    total_execution_time: roundSeconds(Math.max(0, totalSeconds)),
    items,
    taxonomy_version: str(a, A.ATTR_TAXONOMY_VERSION) ?? TAXONOMY_VERSION,
    trace_id: traceId,
    trace_url: options.traceUrl?.(traceId) ?? null,
    status: wholeStatus(status, items, run?.attributes[A.ATTR_STATUS] !== undefined),
    ...(usage ? { token_usage: usage } : {}),
  });
}

/**
 * A final status holds only once every item the run logged is there: `pipeline_complete` counts
 * them (`total_items_logged`). A run whose run span came before some of its other spans (OTLP
 * ingest after a sender's outage, retried out of order) stays `incomplete` until the late spans
 * are merged in, then takes its outcome back, so a `completed` record never lacks items.
 * Conventions 1.1: the count includes `pipeline_complete` itself; a count one lower than the
 * terminal item's sequence number is read as excluding it. With `awaitEnd` (the run span states
 * its `execution.status`), a run said `completed` or `blocked` whose `pipeline_complete` has not
 * arrived yet (it may sit on a late stage span) is `incomplete` too.
 */
export function wholeStatus<S extends string>(
  status: S,
  items: readonly ExecutionItem[],
  awaitEnd = false,
): S | RecordStatus {
  const end = items.findLast((i) => i.item_type === 'pipeline_complete');
  if (!end)
    return awaitEnd && (status === 'completed' || status === 'blocked') ? 'incomplete' : status;
  const logged = end.metadata.total_items_logged;
  if (typeof logged !== 'number') return status;
  const expected = logged === end.sequence_number - 1 ? end.sequence_number : logged;
  if (items.length < expected) return 'incomplete';
  const outcome = end.metadata.outcome;
  return status === 'incomplete' && typeof outcome === 'string' && isRecordStatus(outcome)
    ? outcome
    : status;
}

const isRecordStatus = (s: string): s is RecordStatus =>
  (RECORD_STATUSES as readonly string[]).includes(s);

/** Items of `existing` and `late`, merged by sequence number (late spans of a saved run). */
export function mergeItems(
  existing: readonly ExecutionItem[],
  late: readonly ExecutionItem[],
): ExecutionItem[] {
  const bySequence = new Map<number, ExecutionItem>();
  for (const item of existing) bySequence.set(item.sequence_number, item);
  for (const item of late) bySequence.set(item.sequence_number, item);
  return [...bySequence.values()].sort((a, b) => a.sequence_number - b.sequence_number);
}
