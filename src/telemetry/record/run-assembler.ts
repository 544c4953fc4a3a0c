import { diag } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { RecordOwnership } from '../../store/record-ownership.js';
import { RecordSpool, type SaveOutcome } from '../../store/record-spool.js';
import { failedReport, outcomesReport, savedReport, subjectRunIds } from './export-reports.js';
import type {
  ExportReport,
  RecordPathStats,
  RunAssemblerOptions,
  RunSubject,
} from './run-assembler-options.js';
import { RunBuffer, type RunSpans } from './run-buffer.js';
import type { SpanRefusal } from './run-limits.js';
import { RunOutcomes, within } from './run-outcomes.js';
import { RunState } from './run-state.js';
import { RunStates } from './run-states.js';

const log = diag.createComponentLogger({ namespace: 'run-assembler' });

export type {
  ExportReport,
  RecordPathStats,
  RunAssemblerOptions,
  RunSubject,
} from './run-assembler-options.js';

/**
 * The run assembler: spans in (from the in-process exporter or OTLP ingest), record states out.
 * The run buffer decides when (a checkpoint at each stage end, the final record at the run
 * span's end); each run's `RunState` grows by the spans since its last state; the spool saves
 * every state so that none is lost silently. Answers the promises a request waits on.
 */
export class RunAssembler {
  readonly spool: RecordSpool;
  readonly ownership: RecordOwnership;
  private readonly buffer: RunBuffer;
  private readonly states: RunStates;
  /** Each open run's checkpoint save whose write has not begun (later stage ends share it). */
  private readonly queuedCheckpoints = new Map<string, Promise<SaveOutcome>>();
  private readonly outcomes = new RunOutcomes();
  private refusals: SpanRefusal[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private isShutdown = false;
  private shutdownPromise: Promise<string[]> | undefined;
  private readonly counters = {
    records_saved: 0,
    checkpoints_saved: 0,
    late_spans_merged: 0,
    runs_evicted: 0,
    spans_refused: 0,
  };

  constructor(private readonly options: RunAssemblerOptions) {
    this.states = new RunStates(options.finishedStatesKept);
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
        checkpoint: (id, spans) => this.outcomes.started(id, this.checkpoint(id, spans)),
        finish: (id, spans) => this.finish(id, spans),
        late: (id, spans) => this.late(id, spans),
        evict: (id, spans) => {
          this.outcomes.forgetStart(id);
          this.counters.runs_evicted += 1;
          log.warn(`run ${id} saved as incomplete and dropped from memory`);
          const save = this.checkpoint(id, spans);
          this.queuedCheckpoints.delete(id);
          this.states.dropOpen(id);
          return this.track(save); // a sweep's eviction too is waited for by a flush
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

  /**
   * Takes ended spans: the result (FAILED with a `BufferFullError` when the buffer is full,
   * nothing taken; FAILED when a save is held) and the spans refused; never rejects.
   */
  async accept(spans: readonly ReadableSpan[]): Promise<ExportReport> {
    return this.acceptNow(spans);
  }

  /**
   * `accept`, answered at once when the spans start no save (most span ends of a run: their
   * stage's checkpoint is already queued). With `waited`, saves already in it are not waited on
   * again (each save's failure is reported once) and new ones are added to it.
   */
  acceptNow(
    spans: readonly ReadableSpan[],
    waited?: WeakSet<Promise<unknown>>,
  ): ExportReport | Promise<ExportReport> {
    if (this.isShutdown) return failedReport(new Error('the record path is shut down'));
    let saves: Promise<unknown>[];
    this.refusals = [];
    try {
      saves = this.buffer.accept(spans);
    } catch (error) {
      if ((error as Error).name !== 'BufferFullError') log.error('could not take spans', error);
      return failedReport(error);
    }
    const refused = this.refusals;
    if (waited) {
      saves = saves.filter((s) => !waited.has(s));
      for (const s of saves) waited.add(s);
    }
    if (saves.length === 0) return savedReport(refused);
    return this.reportOn(saves, refused);
  }

  private async reportOn(saves: Promise<unknown>[], refused: SpanRefusal[]): Promise<ExportReport> {
    try {
      const outcomes = await Promise.all(saves.map((s) => this.track(s)));
      return outcomesReport(outcomes, refused, this.spool.stats().last_error);
    } catch (error) {
      return failedReport(error, refused);
    }
  }

  /**
   * The outcome of the run's final save (once its run span has ended): `saved`, `pending` (held
   * for retry), `discarded` or `failed`; `pending` when it does not settle within `waitMillis`.
   */
  async whenSaved(executionId: string, waitMillis = 5_000): Promise<SaveOutcome> {
    if (this.spool.isDiscarded(executionId)) return 'discarded';
    const final = this.outcomes.final(executionId);
    if (!final) return this.spool.held(executionId) ? 'pending' : 'saved';
    return typeof final === 'string' ? final : within(final, waitMillis);
  }

  /** The outcome of the run's first save; `pending` past `waitMillis`, `saved` once not open. */
  whenStarted(executionId: string, waitMillis = 5_000): Promise<SaveOutcome> {
    const first = this.outcomes.first(executionId);
    return first ? within(first, waitMillis) : Promise.resolve('saved');
  }

  /** Ends a run's recording: its later spans and saves are dropped (it is being deleted). */
  async discard(executionId: string): Promise<void> {
    this.buffer.discard(executionId);
    this.states.forget(executionId);
    this.queuedCheckpoints.delete(executionId);
    await this.spool.discard(executionId);
    this.ownership.forget(executionId);
  }

  /** Ids of the subject's runs not (yet) in the store: open in the buffer or held in the spool. */
  pendingIds(subject: RunSubject): string[] {
    return subjectRunIds(subject, this.buffer.openRuns(), this.spool.heldRecords());
  }

  /** Saves pending checkpoints now and waits for every save under way (held records stay held). */
  async forceFlush(): Promise<void> {
    this.buffer.flushCheckpoints().forEach((s) => void this.track(s));
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Flushes, saves every run still open as `incomplete`, retries held records for
   * `shutdownFlushMillis` and refuses later spans; resolves with the ids still unsaved (each
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

  stats(): RecordPathStats {
    const usage = this.buffer.usage();
    return {
      ...this.counters,
      ...this.spool.stats(),
      buffered_runs: this.buffer.size,
      buffered_spans: usage.spans,
      buffered_bytes: usage.bytes,
    };
  }

  /**
   * An `incomplete` state of an open run: the spans since its last state are taken when it is
   * written, so a checkpoint still queued (its write not begun) takes every later span too:
   * later stage ends in the meantime share its save. Taken, the spans live on only as the run
   * state's items (and its head spans): a run in flight holds no span it has checkpointed.
   */
  private checkpoint(id: string, spans: RunSpans): Promise<SaveOutcome> {
    const queued = this.queuedCheckpoints.get(id);
    if (queued) return queued;
    const state = this.states.of(id);
    const traceUrl = this.options.traceUrl;
    let begun = false;
    const save = this.spool.save(
      id,
      () => {
        begun = true;
        this.queuedCheckpoints.delete(id);
        return state.add(spans.take()).record({ status: 'incomplete', traceUrl });
      },
      false,
    );
    if (begun) return save; // the spool began its write at once (it holds too many already)
    this.queuedCheckpoints.set(id, save);
    this.unqueueWhenSettled(id, save);
    return save;
  }

  /**
   * Forgets the queued checkpoint once it settles. A function of its own: a closure made in
   * `checkpoint` would share that call's closure context, which holds the run's spans, and keep
   * every span alive until the save is durable (a caller that never yields: all its runs').
   */
  private unqueueWhenSettled(id: string, save: Promise<SaveOutcome>): void {
    void save.then(() => {
      if (this.queuedCheckpoints.get(id) === save) this.queuedCheckpoints.delete(id);
    });
  }

  private finish(id: string, spans: RunSpans): Promise<SaveOutcome> {
    this.queuedCheckpoints.delete(id);
    const state = this.states.finish(id).add(spans.take());
    let status = 'completed';
    const final = this.spool.save(
      id,
      () => {
        const record = state.record({ traceUrl: this.options.traceUrl });
        status = record.status ?? 'completed';
        return record;
      },
      true,
    );
    this.outcomes.finished(id, final);
    void final.then((outcome) => {
      try {
        this.options.onFinished?.(id, status, outcome);
      } catch (error) {
        log.error('onFinished listener threw', error);
      }
    });
    return final;
  }

  /** Late spans of a finished run: added to its state (kept, or the saved record continued). */
  private late(id: string, spans: readonly ReadableSpan[]): Promise<SaveOutcome> {
    const previous = Promise.resolve(this.outcomes.final(id) ?? 'saved');
    const merged = previous.then(async (): Promise<SaveOutcome> => {
      let state = this.states.finishedState(id);
      if (!state) {
        const saved = this.spool.held(id) ?? (await this.options.store.get(id));
        if (!saved) {
          log.warn(`late spans for run ${id}, whose record is missing; dropped`);
          return 'failed';
        }
        state = RunState.fromRecord(saved);
      }
      if (state.itemCountWith(spans) > (this.options.maxEventsPerRun ?? Infinity)) {
        this.counters.spans_refused += spans.length;
        log.warn(`late spans of run ${id} refused: run_events`);
        return 'refused';
      }
      this.counters.late_spans_merged += spans.length;
      // A late merge goes on from the saved status (`incomplete` takes the terminal item's outcome).
      const status = state.lastStatus ?? 'incomplete';
      state.add(spans);
      this.states.keepFinished(id, state);
      const record = state.record({ status, traceUrl: this.options.traceUrl });
      return this.spool.save(id, () => record, true);
    });
    this.outcomes.finished(id, merged);
    return merged;
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
