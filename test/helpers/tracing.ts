import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { ATTR_SPAN_ROLE, ATTR_STAGE } from '../../src/telemetry/tracker/attributes.js';
import { createTracing, type TracingOptions } from '../../src/telemetry/tracing.js';
import { openFileStore } from './file-store.js';
import { afterTest, tempDir } from './temp-dir.js';

/**
 * A real tracer provider writing records to a temp-dir store, plus an in-memory span copy; shut
 * down after the current test (before its store is closed).
 */
export async function testTracing(options: Partial<TracingOptions> & { store?: RecordStore } = {}) {
  const dir = await tempDir();
  const store = options.store ?? (await openFileStore(dir));
  const memory = new InMemorySpanExporter();
  const tracing = createTracing({
    ...options,
    store,
    record: { checkpointDelayMillis: 5, ...options.record },
    extraProcessors: [new SimpleSpanProcessor(memory), ...(options.extraProcessors ?? [])],
  });
  afterTest(() => tracing.shutdown());
  return { tracing, store, memory, dir };
}

/** Compact view of items: [type, stage, stage_iteration, loop_iteration]. */
export function shape(record: ExecutionRecord): [string, number, number | null, number | null][] {
  return record.items.map((i) => [i.item_type, i.stage, i.stage_iteration, i.loop_iteration]);
}

/** Spans of one trace by role and stage, for parent checks. */
export function spansOf(spans: readonly ReadableSpan[], traceId: string) {
  const mine = spans.filter((s) => s.spanContext().traceId === traceId);
  const byRole = (role: string) => mine.filter((s) => s.attributes[ATTR_SPAN_ROLE] === role);
  const stage = (n: number) => byRole('stage').filter((s) => s.attributes[ATTR_STAGE] === n);
  return { all: mine, byRole, stage, run: byRole('run')[0]! };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
