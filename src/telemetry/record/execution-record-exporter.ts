import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import { tokenUsage } from '../../domain/token-usage.js';
import { RecordOwnership, type RecordOrigin } from '../../store/record-ownership.js';
import type { RecordStore } from '../../store/record-store.js';
import {
  RecordSpool,
  type RecordSpoolOptions,
  type SaveOutcome,
  type SpoolStats,
} from '../../store/record-spool.js';
import { ATTR_SESSION_ID, ATTR_USER_ID } from '../tracker/attributes.js';
import { RunBuffer, type RunBufferOptions } from './run-buffer.js';
import type { SpanRefusal } from './run-limits.js';
import {
  findRunSpans,
  mergeItems,
  spansToItems,
  spansToRecord,
  wholeStatus,
} from './span-to-record.js';

const log = diag.createComponentLogger({ namespace: 'execution-record-exporter' });

/** Options of `ExecutionRecordExporter`. */
export interface ExecutionRecordExporterOptions
  extends RunBufferOptions, Omit<RecordSpoolOptions, 'onLanded'> {
  store: RecordStore;
  /** Builds the link to a trace in Jaeger's UI; default: no link. */
  traceUrl?: (traceId: string) => string | null;
  /** Told of every record that landed in the store (final or checkpoint); must not throw. */
  onSaved?: (record: ExecutionRecord, final: boolean) => void;
  /** Told once per run when its final record is saved, held for retry or discarded; must not throw. */
  onFinished?: (executionId: string, status: string, outcome: SaveOutcome) => void;
  /** Told when a discarded (deleted) run's last span ended, so its media can go again. */
  onDiscardedRunEnded?: (executionId: string) => void;
  /** How long shutdown retries held records; default 5,000 ms. */
  shutdownFlushMillis?: number;
  /**
   * Which trace owns each record, shared by every assembler of one store (so ingest never
   * writes a pipeline record); default one of its own.
   */
  ownership?: RecordOwnership;
  /** Where this exporter's spans come from; default `pipeline`. */
  origin?: RecordOrigin;
}

/** What one export came to: the SpanExporter result, and the spans refused (limits, trace). */
export interface ExportReport {
  result: ExportResult;
  refused: SpanRefusal[];
  /** Saves held for retry (the store failing): worth sending again. */
  pending: number;
}

/** Whose open runs to find (`pendingIds`): exactly one of a user id or a session id. */
export interface RunSubject {
  userId?: string;
  sessionId?: string;
}

/** Counters for health checks. */
export interface RecordExporterStats extends SpoolStats {
  records_saved: number;
  checkpoints_saved: number;
  late_spans_merged: number;
  runs_evicted: number;
  buffered_runs: number;
  /** Spans held by open runs, and their estimated bytes (see `estimateSpanBytes`). */
  buffered_spans: number;
  buffered_bytes: number;
  /** Spans refused for a run's limits or for another trace. */
  spans_refused: number;
}

/** Final outcomes remembered for `whenSaved` and late merges (the oldest go first). */
const OUTCOMES_REMEMBERED = 10_000;

/**
 * Assembles each run's ExecutionRecord from its spans and saves it: the run buffer decides when
 * (checkpoints at stage ends, the final record at the run span's end), the pure transform builds
 * the record, the spool saves it so that none is lost silently.
 */
export class ExecutionRecordExporter implements SpanExporter {
  readonly spool: RecordSpool;
  readonly ownership: RecordOwnership;
  private readonly buffer: RunBuffer;
  /** Refusals of the export being taken (the buffer tells them synchronously). */
  private refusals: SpanRefusal[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The final save of each run, serialising late merges after it. */
  private readonly finals = new Map<string, Promise<SaveOutcome> | SaveOutcome>();
  /** The first save (checkpoint) of each run still open. */
  private readonly firsts = new Map<string, Promise<SaveOutcome>>();
  private isShutdown = false;
  private shutdownPromise: Promise<string[]> | undefined;
  private readonly counters = {
    records_saved: 0,
    checkpoints_saved: 0,
    late_spans_merged: 0,
    runs_evicted: 0,
    spans_refused: 0,
  };

  constructor(private readonly options: ExecutionRecordExporterOptions) {
    this.ownership = options.ownership ?? new RecordOwnership(options.store);
    this.spool = new RecordSpool(options.store, {
      ...options,
      ownership: this.ownership,
      onLanded: (record, final) => {
        if (final) this.counters.records_saved += 1;
        else this.counters.checkpoints_saved += 1;
        options.onSaved?.(record, final);
      },
    });
    this.buffer = new RunBuffer(
      {
        checkpoint: (id, spans) => {
          const save = this.spool.save(id, () => this.assemble(spans, 'incomplete'), false);
          if (!this.firsts.has(id)) this.firsts.set(id, save);
          return save;
        },
        finish: (id, spans) => this.finish(id, spans),
        late: (id, spans) => this.mergeLate(id, spans),
        evict: (id, spans) => {
          this.firsts.delete(id);
          this.counters.runs_evicted += 1;
          log.warn(`run ${id} saved as incomplete and dropped from memory`);
          return this.spool.save(id, () => this.assemble(spans, 'incomplete'), false);
        },
        discarded: (id, ended) => ended && this.options.onDiscardedRunEnded?.(id),
        refused: (refusal) => {
          this.counters.spans_refused += refusal.spans;
          this.refusals.push(refusal);
          log.warn(
            `${refusal.spans} spans of run ${refusal.executionId} refused: ${refusal.reason}`,
          );
        },
      },
      options,
    );
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      try {
        resultCallback(result);
      } catch (error) {
        log.error('export result callback threw', error);
      }
    };
    void this.exportSpans(spans).then((report) => done(report.result));
  }

  /**
   * `export` with what it came to: the result (FAILED with a `BufferFullError` when the buffer
   * is full, nothing taken) and the spans refused; never rejects.
   */
  async exportSpans(spans: readonly ReadableSpan[]): Promise<ExportReport> {
    if (this.isShutdown) {
      const error = new Error('ExecutionRecordExporter is shut down');
      return { result: { code: ExportResultCode.FAILED, error }, refused: [], pending: 0 };
    }
    let saves: Promise<unknown>[];
    this.refusals = [];
    try {
      saves = this.buffer.accept(spans);
    } catch (error) {
      if ((error as Error).name !== 'BufferFullError') log.error('could not take spans', error);
      const e = error instanceof Error ? error : new Error(String(error));
      return { result: { code: ExportResultCode.FAILED, error: e }, refused: [], pending: 0 };
    }
    const refused = this.refusals;
    try {
      const outcomes = await Promise.all(saves.map((s) => this.track(s)));
      const unsaved = outcomes.filter((o) => o === 'pending' || o === 'failed').length;
      const result: ExportResult =
        unsaved === 0
          ? { code: ExportResultCode.SUCCESS }
          : {
              code: ExportResultCode.FAILED,
              error: new Error(this.spool.stats().last_error ?? 'record not saved'),
            };
      return { result, refused, pending: outcomes.filter((o) => o === 'pending').length };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return { result: { code: ExportResultCode.FAILED, error: e }, refused, pending: 0 };
    }
  }

  /**
   * The outcome of the run's final save (once its run span has ended): `saved`, `pending` (held
   * for retry), `discarded` or `failed`; `pending` when it does not settle within `waitMillis`.
   */
  async whenSaved(executionId: string, waitMillis = 5_000): Promise<SaveOutcome> {
    if (this.spool.isDiscarded(executionId)) return 'discarded';
    const final = this.finals.get(executionId);
    if (!final) return this.spool.held(executionId) ? 'pending' : 'saved';
    return typeof final === 'string' ? final : within(final, waitMillis);
  }

  /**
   * The outcome of the run's first save (its start checkpoint); `pending` when it does not settle
   * within `waitMillis`, `saved` when the run is no longer open.
   */
  whenStarted(executionId: string, waitMillis = 5_000): Promise<SaveOutcome> {
    const first = this.firsts.get(executionId);
    return first ? within(first, waitMillis) : Promise.resolve('saved');
  }

  /** Ends a run's recording: its later spans and saves are dropped (it is being deleted). */
  async discard(executionId: string): Promise<void> {
    this.buffer.discard(executionId);
    await this.spool.discard(executionId);
    this.ownership.forget(executionId);
  }

  /**
   * Ids of the subject's runs not (yet) in the store: open in the buffer (known once their start
   * or run span is here) or held in the spool; for erasure.
   */
  pendingIds(subject: RunSubject): string[] {
    const matches = (user: unknown, session: unknown) =>
      subject.userId !== undefined ? user === subject.userId : session === subject.sessionId;
    const ids = new Set<string>();
    for (const run of this.buffer.openRuns()) {
      const { run: end, start } = findRunSpans(run.spans);
      const head = end ?? start;
      if (head && matches(head.attributes[ATTR_USER_ID], head.attributes[ATTR_SESSION_ID]))
        ids.add(run.id);
    }
    for (const record of this.spool.heldRecords())
      if (matches(record.user_id, record.session_id)) ids.add(record.execution_id);
    return [...ids];
  }

  /** Saves pending checkpoints now and waits for every save under way (held records stay held). */
  async forceFlush(): Promise<void> {
    this.buffer.flushCheckpoints().forEach((s) => void this.track(s));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Flushes, saves every run still open as `incomplete`, retries held records for
   * `shutdownFlushMillis` and refuses later exports; resolves with the ids still unsaved (each
   * logged). Idempotent.
   */
  drain(): Promise<string[]> {
    this.shutdownPromise ??= (async () => {
      const deadline = Date.now() + (this.options.shutdownFlushMillis ?? 5_000);
      await this.forceFlush();
      this.isShutdown = true;
      this.buffer.evictAll().forEach((s) => void this.track(s));
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      const unsaved = await this.spool.flush(deadline);
      this.spool.stop();
      for (const id of unsaved) log.error(`record ${id} NOT SAVED at shutdown`);
      return unsaved;
    })();
    return this.shutdownPromise;
  }

  /** `drain()`, for the `SpanExporter` contract. */
  async shutdown(): Promise<void> {
    await this.drain();
  }

  stats(): RecordExporterStats {
    const usage = this.buffer.usage();
    return {
      ...this.counters,
      ...this.spool.stats(),
      buffered_runs: this.buffer.size,
      buffered_spans: usage.spans,
      buffered_bytes: usage.bytes,
    };
  }

  private finish(id: string, spans: readonly ReadableSpan[]): Promise<SaveOutcome> {
    this.firsts.delete(id);
    let status = 'completed';
    const final = this.spool.save(
      id,
      () => {
        const record = this.assemble(spans);
        status = record.status ?? 'completed';
        return record;
      },
      true,
    );
    this.remember(id, final);
    void final.then((outcome) => {
      try {
        this.options.onFinished?.(id, status, outcome);
      } catch (error) {
        log.error('onFinished listener threw', error);
      }
    });
    return final;
  }

  /**
   * Keeps a run's final save for `whenSaved` and late merges; once settled only its outcome is
   * kept (a pending promise would hold the run's spans), and only the newest ones.
   */
  private remember(id: string, final: Promise<SaveOutcome>): void {
    this.finals.delete(id);
    this.finals.set(id, final);
    void final.then((outcome) => {
      if (this.finals.get(id) === final) this.finals.set(id, outcome);
    });
    while (this.finals.size > OUTCOMES_REMEMBERED)
      this.finals.delete(this.finals.keys().next().value!);
  }

  private mergeLate(id: string, spans: readonly ReadableSpan[]): Promise<SaveOutcome> {
    const previous = Promise.resolve(this.finals.get(id) ?? 'saved');
    const merged = previous.then(async (): Promise<SaveOutcome> => {
      const saved = this.spool.held(id) ?? (await this.options.store.get(id));
      if (!saved) {
        log.warn(`late spans for run ${id}, whose record is missing; dropped`);
        return 'failed' as const;
      }
      const items = mergeItems(saved.items, spansToItems(spans));
      if (items.length > (this.options.maxEventsPerRun ?? Infinity)) {
        this.counters.spans_refused += spans.length;
        log.warn(`late spans of run ${id} refused: run_events`);
        return 'refused' as const;
      }
      this.counters.late_spans_merged += spans.length;
      const usage = tokenUsage(items);
      const record = {
        ...saved,
        items,
        status: wholeStatus(saved.status ?? 'incomplete', items),
        ...(usage ? { token_usage: usage } : {}),
      };
      return this.spool.save(id, () => record, true);
    });
    this.remember(id, merged);
    return merged;
  }

  private assemble(spans: readonly ReadableSpan[], status?: string): ExecutionRecord {
    return spansToRecord(spans, { status, traceUrl: this.options.traceUrl });
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = (): void => {
      this.inFlight.delete(promise);
    };
    promise.then(forget, forget);
    return promise;
  }
}

/** `outcome`, or `pending` when it does not settle within `waitMillis`. */
async function within(outcome: Promise<SaveOutcome>, waitMillis: number): Promise<SaveOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<SaveOutcome>((resolve) => {
    timer = setTimeout(() => resolve('pending'), waitMillis);
  });
  try {
    return await Promise.race([outcome, late]);
  } finally {
    clearTimeout(timer);
  }
}
