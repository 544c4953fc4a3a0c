import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExecutionRecord } from '../domain/execution-record.js';
import type { RecordStore } from '../store/record-store.js';
import { ATTR_EXECUTION_ID, ATTR_SPAN_ROLE, ROLE_ITERATION, ROLE_RUN } from './attributes.js';
import { mergeItems, spansToItems, spansToRecord } from './span-to-record.js';

const log = diag.createComponentLogger({ namespace: 'execution-record-exporter' });

/** Options of `ExecutionRecordExporter`. */
export interface ExecutionRecordExporterOptions {
  store: RecordStore;
  /** Delay before a checkpoint (`incomplete`) save after a stage ends; default 50 ms. */
  checkpointDelayMillis?: number;
  /** A run whose run span has not ended after this long is saved as `incomplete` and dropped from memory; default 15 min. */
  incompleteRunTimeoutMillis?: number;
  /** Runs held in memory at most; the oldest is saved as `incomplete` and dropped past it; default 10,000. */
  maxBufferedRuns?: number;
  /** Finished run ids remembered to merge late spans into the saved record; default 10,000. */
  maxFinishedRunsRemembered?: number;
  /** Builds the link to a trace in Jaeger's UI; default: no link. */
  traceUrl?: (traceId: string) => string | null;
  /** Told of every record saved (final or checkpoint); must not throw. */
  onSaved?: (record: ExecutionRecord, final: boolean) => void;
}

/** Counters for health checks. */
export interface RecordExporterStats {
  records_saved: number;
  checkpoints_saved: number;
  late_spans_merged: number;
  runs_evicted: number;
  save_failures: number;
  buffered_runs: number;
  last_error: string | null;
  last_error_at: string | null;
}

interface RunBuffer {
  id: string;
  spans: ReadableSpan[];
  lastSeenMillis: number;
  checkpoint?: NodeJS.Timeout;
}

/**
 * Assembles each run's ExecutionRecord from its spans and saves it through a `RecordStore`.
 * Spans are grouped by execution id; a stage end schedules an `incomplete` checkpoint, the run
 * span's end saves the final record; spans arriving after that are merged into the saved record.
 */
export class ExecutionRecordExporter implements SpanExporter {
  private readonly runs = new Map<string, RunBuffer>();
  private readonly finished = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The last save of each finished run still under way, so late merges apply after it. */
  private readonly lastSave = new Map<string, Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private isShutdown = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly counters: Omit<RecordExporterStats, 'buffered_runs'> = {
    records_saved: 0,
    checkpoints_saved: 0,
    late_spans_merged: 0,
    runs_evicted: 0,
    save_failures: 0,
    last_error: null,
    last_error_at: null,
  };
  private readonly checkpointDelayMillis: number;
  private readonly timeoutMillis: number;
  private readonly maxRuns: number;
  private readonly maxFinished: number;

  constructor(private readonly options: ExecutionRecordExporterOptions) {
    this.checkpointDelayMillis = options.checkpointDelayMillis ?? 50;
    this.timeoutMillis = options.incompleteRunTimeoutMillis ?? 15 * 60_000;
    this.maxRuns = options.maxBufferedRuns ?? 10_000;
    this.maxFinished = options.maxFinishedRunsRemembered ?? 10_000;
    this.sweeper = setInterval(
      () => this.sweep(),
      Math.min(60_000, Math.max(10, this.timeoutMillis / 4)),
    );
    this.sweeper.unref();
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
    if (this.isShutdown) {
      done({
        code: ExportResultCode.FAILED,
        error: new Error('ExecutionRecordExporter is shut down'),
      });
      return;
    }
    try {
      const saves = this.accept(spans);
      if (saves.length === 0) {
        done({ code: ExportResultCode.SUCCESS });
        return;
      }
      Promise.all(saves).then(
        () => done({ code: ExportResultCode.SUCCESS }),
        (error: unknown) =>
          done({
            code: ExportResultCode.FAILED,
            error: error instanceof Error ? error : new Error(String(error)),
          }),
      );
    } catch (error) {
      this.failed(error);
      done({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  /** Saves pending checkpoints now and waits for every save under way. */
  async forceFlush(): Promise<void> {
    for (const run of this.runs.values()) {
      if (run.checkpoint) {
        clearTimeout(run.checkpoint);
        run.checkpoint = undefined;
        void this.track(this.saveCheckpoint(run));
      }
    }
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Flushes, saves every run still open as `incomplete`, and refuses later exports. Idempotent. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= (async () => {
      await this.forceFlush();
      this.isShutdown = true;
      clearInterval(this.sweeper);
      for (const run of [...this.runs.values()]) void this.track(this.evict(run));
      while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    })();
    return this.shutdownPromise;
  }

  stats(): RecordExporterStats {
    return { ...this.counters, buffered_runs: this.runs.size };
  }

  private accept(spans: readonly ReadableSpan[]): Promise<unknown>[] {
    const groups = new Map<string, ReadableSpan[]>();
    for (const span of spans) {
      const id = span.attributes[ATTR_EXECUTION_ID];
      if (typeof id !== 'string') continue; // not a tracker span
      const group = groups.get(id);
      if (group) group.push(span);
      else groups.set(id, [span]);
    }
    const saves: Promise<unknown>[] = [];
    for (const [id, group] of groups) {
      if (this.finished.has(id)) {
        saves.push(this.track(this.mergeLate(id, group)));
        continue;
      }
      const run = this.bufferOf(id);
      run.spans.push(...group);
      run.lastSeenMillis = Date.now();
      if (group.some((s) => s.attributes[ATTR_SPAN_ROLE] === ROLE_RUN)) {
        saves.push(this.track(this.finish(run)));
      } else if (
        !run.checkpoint &&
        group.some((s) => s.attributes[ATTR_SPAN_ROLE] !== ROLE_ITERATION)
      ) {
        run.checkpoint = setTimeout(() => {
          run.checkpoint = undefined;
          void this.track(this.saveCheckpoint(run));
        }, this.checkpointDelayMillis);
        run.checkpoint.unref();
      }
    }
    return saves;
  }

  private bufferOf(id: string): RunBuffer {
    let run = this.runs.get(id);
    if (!run) {
      run = { id, spans: [], lastSeenMillis: Date.now() };
      this.runs.set(id, run);
      while (this.runs.size > this.maxRuns) {
        const oldest = this.runs.values().next().value!;
        log.warn(`more than ${this.maxRuns} runs in progress: saving ${oldest.id} as incomplete`);
        void this.track(this.evict(oldest));
      }
    }
    return run;
  }

  private async finish(run: RunBuffer): Promise<void> {
    if (run.checkpoint) clearTimeout(run.checkpoint);
    this.runs.delete(run.id);
    this.rememberFinished(run.id);
    await this.serial(run.id, () => this.save(this.assemble(run.spans), true));
  }

  private async saveCheckpoint(run: RunBuffer): Promise<void> {
    if (this.runs.get(run.id) !== run) return; // finished meanwhile
    await this.save(this.assemble(run.spans, 'incomplete'), false);
  }

  private async evict(run: RunBuffer): Promise<void> {
    if (run.checkpoint) clearTimeout(run.checkpoint);
    this.runs.delete(run.id);
    this.counters.runs_evicted += 1;
    try {
      await this.save(this.assemble(run.spans, 'incomplete'), false);
    } catch (error) {
      log.warn(`run ${run.id} evicted without a record: ${(error as Error).message}`);
    }
  }

  private mergeLate(id: string, spans: ReadableSpan[]): Promise<void> {
    return this.serial(id, async () => {
      const saved = await this.options.store.get(id);
      if (!saved) throw new Error(`late spans for run ${id}, whose record is missing`);
      this.counters.late_spans_merged += spans.length;
      await this.save({ ...saved, items: mergeItems(saved.items, spansToItems(spans)) }, true);
    });
  }

  /** Runs `fn` after the previous final save or merge of the same run. */
  private serial(id: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.lastSave.get(id) ?? Promise.resolve()).catch(() => {}).then(fn);
    this.lastSave.set(id, next);
    const forget = (): void => {
      if (this.lastSave.get(id) === next) this.lastSave.delete(id);
    };
    next.then(forget, forget);
    return next;
  }

  private assemble(spans: readonly ReadableSpan[], status?: string): ExecutionRecord {
    try {
      return spansToRecord(spans, { status, traceUrl: this.options.traceUrl });
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  private async save(record: ExecutionRecord, final: boolean): Promise<void> {
    try {
      await this.options.store.save(record);
    } catch (error) {
      this.failed(error);
      throw error;
    }
    if (final) this.counters.records_saved += 1;
    else this.counters.checkpoints_saved += 1;
    try {
      this.options.onSaved?.(record, final);
    } catch (error) {
      log.error('onSaved listener threw', error);
    }
  }

  private rememberFinished(id: string): void {
    this.finished.add(id);
    if (this.finished.size > this.maxFinished) {
      this.finished.delete(this.finished.values().next().value!);
    }
  }

  private sweep(): void {
    const cutoff = Date.now() - this.timeoutMillis;
    for (const run of [...this.runs.values()]) {
      if (run.lastSeenMillis < cutoff) void this.track(this.evict(run));
    }
  }

  private failed(error: unknown): void {
    this.counters.save_failures += 1;
    this.counters.last_error = error instanceof Error ? error.message : String(error);
    this.counters.last_error_at = new Date().toISOString();
    log.error('could not save an execution record', error);
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
