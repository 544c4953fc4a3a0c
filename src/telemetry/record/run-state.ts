import { hrTimeToMicroseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  ExecutionItemSchema,
  isCanonicalItem,
  type ExecutionItem,
} from '../../domain/execution-item.js';
import {
  ExecutionRecordSchema,
  isCanonicalHead,
  RECORD_STATUSES,
  RecordHeadSchema,
  TAXONOMY_VERSION,
  type ExecutionRecord,
  type RecordHead,
} from '../../domain/execution-record.js';
import { markSortedItem, sortedCopy } from '../../domain/record-codec.js';
import { RUN_DEFAULTS } from '../../domain/run-defaults.js';
import { studyLabel } from '../../domain/study-label.js';
import { formatHrTime, roundSeconds } from '../../domain/timestamp.js';
import { tokenUsage } from '../../domain/token-usage.js';
import * as A from '../tracker/attributes.js';
import { decodeItem, num, str } from '../tracker/item-codec.js';
import { wholeStatus } from './whole-status.js';

/** Options of `RunState.record`. */
export interface RecordOptions {
  /** Force this status (a checkpoint is `incomplete`); default: the run span's status. */
  status?: string;
  /** Builds the link to the trace in Jaeger's UI; default: no link. */
  traceUrl?: (traceId: string) => string | null;
}

/** The record's fields besides its items, checked once per head span. */
type Head = RecordHead;
/** The fields that change as the run goes on, checked on every state. */
const SEED = ExecutionRecordSchema.shape.used_seed;
const STATUS = ExecutionRecordSchema.shape.status;
const seedOf = (v: unknown): number | null =>
  v === null || Number.isSafeInteger(v) ? (v as number | null) : SEED.parse(v);
const STATUSES: ReadonlySet<string> = new Set(RECORD_STATUSES);
const statusOf = (v: string): Head['status'] =>
  STATUSES.has(v) ? (v as Head['status']) : STATUS.parse(v);

/** Items are shared by every state of a record (and its cached JSON): frozen, so none changes. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * One run's record as its spans so far make it (the span → record transform, incremental):
 * each span's items are decoded and checked by the item schema once, when the span is added;
 * a record state is the head fields (checked once per head span) with the items so far, which
 * every later state shares. Pure: no I/O, no clock.
 */
export class RunState {
  private run: ReadableSpan | undefined;
  private start: ReadableSpan | undefined;
  private readonly bySequence = new Map<number, ExecutionItem>();
  private ordered: ExecutionItem[] = [];
  private inOrder = true;
  private latestEndMicros = -Infinity;
  /** The first item that failed the schema: a record of this run cannot be made. */
  private invalid: Error | undefined;
  private checkedHead: { span: ReadableSpan; traceUrl: unknown; head: Head } | undefined;
  /** A saved record this state continues (late spans of a run no longer held). */
  private base: ExecutionRecord | undefined;
  /** The status of the latest record made (a late merge goes on from it). */
  lastStatus: string | undefined;

  /** A state continuing `record` (its items and fields), for late spans of a saved run. */
  static fromRecord(record: ExecutionRecord): RunState {
    const state = new RunState();
    state.base = record;
    state.lastStatus = record.status ?? undefined;
    for (const item of record.items) state.put(deepFreeze(item));
    return state;
  }

  /** Adds spans: their items (checked once), the run and start spans, the latest end. */
  add(spans: readonly ReadableSpan[]): this {
    for (const span of spans) {
      const role = span.attributes[A.ATTR_SPAN_ROLE];
      if (role === A.ROLE_RUN) this.run = span;
      else if (role === A.ROLE_START) this.start = span;
      this.latestEndMicros = Math.max(this.latestEndMicros, hrTimeToMicroseconds(span.endTime));
      this.addItems(span);
    }
    return this;
  }

  /** The items so far, ordered by sequence number (one per number: the latest wins). */
  get items(): readonly ExecutionItem[] {
    if (!this.inOrder) {
      this.ordered = [...this.bySequence.values()].sort(
        (a, b) => a.sequence_number - b.sequence_number,
      );
      this.inOrder = true;
    }
    return this.ordered;
  }

  /** How many items the state would hold with `spans` added (late spans past a run's limit). */
  itemCountWith(spans: readonly ReadableSpan[]): number {
    const seen = new Set<number>();
    for (const span of spans)
      for (const event of span.events) {
        const n = event.attributes?.[A.ATTR_ITEM_SEQUENCE];
        if (typeof n === 'number' && !this.bySequence.has(n)) seen.add(n);
      }
    return this.bySequence.size + seen.size;
  }

  /** The run span, else the start span: what carries the run's fields. */
  get head(): ReadableSpan | undefined {
    return this.run ?? this.start;
  }

  /** True when a record can be made (a head span, or a saved record continued). */
  get ready(): boolean {
    return this.head !== undefined || this.base !== undefined;
  }

  /**
   * The record of the run so far; throws when no head span is here or an item failed the
   * schema. Without the run span it is a checkpoint: `incomplete`, timed up to the latest end.
   */
  record(options: RecordOptions = {}): ExecutionRecord {
    if (this.invalid) throw this.invalid;
    const items = this.items.slice();
    const usage = tokenUsage(items);
    const head = this.head ? this.headFields(this.head, options) : this.baseFields(options);
    this.lastStatus = head.status ?? undefined;
    return { ...head, items, ...(usage ? { token_usage: usage } : {}) };
  }

  private headFields(span: ReadableSpan, options: RecordOptions): Head {
    const run = this.run;
    const start = hrTimeToMicroseconds(span.startTime);
    const micros = run ? hrTimeToMicroseconds(run.duration) : this.latestEndMicros - start;
    const status =
      options.status ?? (run ? (str(run.attributes, A.ATTR_STATUS) ?? 'completed') : 'incomplete');
    const cached = this.checkedHead;
    const head =
      cached?.span === span && cached.traceUrl === options.traceUrl
        ? cached.head
        : this.checkHead(span, options);
    return {
      ...head,
      used_seed: seedOf(run ? num(run.attributes, A.ATTR_USED_SEED) : null),
      total_execution_time: roundSeconds(Math.max(0, micros / 1e6)),
      status: statusOf(
        wholeStatus(status, this.items, run?.attributes[A.ATTR_STATUS] !== undefined),
      ),
    };
  }

  /** The fields of a head span that do not change, checked by the schema once. */
  private checkHead(span: ReadableSpan, options: RecordOptions): Head {
    const a = span.attributes;
    const traceId = span.spanContext().traceId;
    // In the schema's key order, as its parse gives it back.
    const fields = {
      execution_id: str(a, A.ATTR_EXECUTION_ID),
      config_name: str(a, A.ATTR_CONFIG_NAME),
      timestamp: formatHrTime(span.startTime),
      user_id: str(a, A.ATTR_USER_ID) ?? RUN_DEFAULTS.userId,
      session_id: str(a, A.ATTR_SESSION_ID) ?? RUN_DEFAULTS.sessionId,
      execution_mode: str(a, A.ATTR_EXECUTION_MODE) ?? RUN_DEFAULTS.executionMode,
      safety_level: str(a, A.ATTR_SAFETY_LEVEL) ?? RUN_DEFAULTS.safetyLevel,
      used_seed: null,
      total_execution_time: null,
      taxonomy_version: str(a, A.ATTR_TAXONOMY_VERSION) ?? TAXONOMY_VERSION,
      trace_id: traceId,
      trace_url: options.traceUrl?.(traceId) ?? null,
      status: null,
      ...study(a),
    };
    const head = isCanonicalHead(fields) ? (fields as Head) : RecordHeadSchema.parse(fields);
    this.checkedHead = { span, traceUrl: options.traceUrl, head };
    return head;
  }

  private baseFields(options: RecordOptions): Head {
    if (!this.base)
      throw new Error('cannot assemble a record without the run span or the start span');
    const head: Partial<ExecutionRecord> = { ...this.base };
    delete head.items;
    delete head.token_usage;
    const status = options.status ?? head.status ?? 'incomplete';
    return { ...(head as Head), status: statusOf(wholeStatus(status, this.items)) };
  }

  /**
   * An item without its own Stille Post iteration or output loop takes its span's
   * (`execution.stage_iteration`, `execution.loop_iteration`; conventions 1.1).
   */
  private addItems(span: ReadableSpan): void {
    if (span.events.length === 0) return;
    const iteration = num(span.attributes, A.ATTR_STAGE_ITERATION);
    const loop = num(span.attributes, A.ATTR_LOOP_ITERATION);
    for (const event of span.events) {
      const decoded = decodeItem(event);
      if (!decoded) continue;
      if (decoded.stage_iteration === null && iteration !== null)
        decoded.stage_iteration = iteration;
      if (decoded.loop_iteration === null && loop !== null) decoded.loop_iteration = loop;
      if (isCanonicalItem(decoded)) {
        // Sorted here once, so every state's serialization writes the item as it is.
        decoded.metadata = sortedCopy(decoded.metadata);
        markSortedItem(decoded);
        this.put(deepFreeze(decoded));
        continue;
      }
      const checked = ExecutionItemSchema.safeParse(decoded);
      if (checked.success) this.put(deepFreeze(checked.data));
      else this.invalid ??= checked.error;
    }
  }

  private put(item: ExecutionItem): void {
    const n = item.sequence_number;
    const last = this.ordered.at(-1);
    if (this.inOrder && !this.bySequence.has(n) && (!last || last.sequence_number < n)) {
      this.ordered.push(item);
    } else {
      this.inOrder = false;
    }
    this.bySequence.set(n, item);
  }
}

/** `study_id` and `condition` of the run attributes, each only when it is a valid label. */
function study(a: ReadableSpan['attributes']): { study_id?: string; condition?: string } {
  const studyId = studyLabel(a[A.ATTR_STUDY_ID]);
  const condition = studyLabel(a[A.ATTR_CONDITION]);
  return {
    ...(studyId === undefined ? {} : { study_id: studyId }),
    ...(condition === undefined ? {} : { condition }),
  };
}
