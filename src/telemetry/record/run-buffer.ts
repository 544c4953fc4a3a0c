import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { RecentIds } from '../../common/recent-ids.js';
import {
  ATTR_EXECUTION_ID,
  ATTR_SPAN_ROLE,
  ROLE_BACKEND,
  ROLE_RUN,
  ROLE_START,
} from '../tracker/attributes.js';
import {
  BufferFullError,
  fitRun,
  type RunLimits,
  type RunUsage,
  type SpanRefusal,
} from './run-limits.js';

/**
 * An open run's spans that its owner has not taken yet. Spans that end later join them until
 * `take` hands them over, so a save that is still queued takes every span up to its write; once
 * taken, the buffer no longer holds them (the owner's record state is built from them).
 */
export interface RunSpans {
  /** The spans since the last `take` (empty when none came), no longer held here. */
  take(): ReadableSpan[];
}

/** What the buffer asks its owner to do with a run's spans. */
export interface RunBufferSink {
  /** A stage of the run ended: save what it has so far (`incomplete`). */
  checkpoint(id: string, spans: RunSpans): Promise<unknown>;
  /** The run span ended: save the final record. */
  finish(id: string, spans: RunSpans): Promise<unknown>;
  /** Spans of a run already finished. */
  late(id: string, spans: readonly ReadableSpan[]): Promise<unknown>;
  /** A run dropped from memory before it ended (too old, too many runs, shutdown). */
  evict(id: string, spans: RunSpans): Promise<unknown>;
  /** Spans of a run that was discarded (deleted while it ran); `ended` once its run span ended. */
  discarded?(id: string, ended: boolean): void;
  /** Spans of a run not taken: past its limits, or of another trace than the run's. */
  refused?(refusal: SpanRefusal): void;
}

/** Options of `RunBuffer` (the limits default to none). */
export interface RunBufferOptions extends RunLimits {
  /** Delay before a checkpoint after a stage ends (stage ends within it share one); default 0. */
  checkpointDelayMillis?: number;
  /** A run not seen for this long is evicted; default 15 min. */
  incompleteRunTimeoutMillis?: number;
  /** Runs held at most; the oldest is evicted past it; default 10,000. */
  maxBufferedRuns?: number;
  /** Finished run ids remembered for late spans; default 10,000. */
  maxFinishedRunsRemembered?: number;
  /**
   * Checkpoint a run only once its start span is here (a checkpoint is assembled from it);
   * for ingested spans, which come in any order. Default false.
   */
  checkpointAfterStartSpan?: boolean;
}

/** An open run: its spans not taken yet, its start span, what it has used of its limits. */
class Run implements RunSpans {
  /** Spans not taken by the owner yet. */
  private pending: ReadableSpan[] = [];
  lastSeenMillis = Date.now();
  timer?: NodeJS.Timeout;
  /** The start span, once here: it carries the run's user and session. */
  start: ReadableSpan | undefined;
  /** Spans, events and bytes taken for the run over its life (its limits count them all). */
  readonly usage: RunUsage = { spans: 0, events: 0, bytes: 0 };

  constructor(
    readonly id: string,
    /** The trace of its first span: spans of other traces are refused. */
    readonly traceId: string,
  ) {}

  add(spans: readonly ReadableSpan[]): void {
    for (const span of spans) {
      this.pending.push(span);
      if (span.attributes[ATTR_SPAN_ROLE] === ROLE_START) this.start = span;
    }
  }

  take(): ReadableSpan[] {
    const spans = this.pending;
    this.pending = [];
    return spans;
  }
}

type Plan =
  | { kind: 'discarded'; id: string; ends: boolean }
  | { kind: 'late'; id: string; spans: ReadableSpan[] }
  | {
      kind: 'open';
      id: string;
      spans: ReadableSpan[];
      added: RunUsage;
      ends: boolean;
      refusals: SpanRefusal[];
    };

/**
 * Groups ended spans by run (the `execution.id` attribute) and decides when a run's record is
 * saved: a checkpoint at each stage end (the start span's end included), the final record at the
 * run span's end, late merges after it; runs that never end are evicted by age and by count.
 */
export class RunBuffer {
  private readonly runs = new Map<string, Run>();
  private readonly finished: RecentIds;
  private readonly discardedIds = new RecentIds(10_000);
  private readonly sweeper: NodeJS.Timeout;
  private readonly delay: number;
  private readonly timeoutMillis: number;
  private readonly maxRuns: number;
  private readonly needStart: boolean;
  private readonly limits: RunLimits;
  private bytes = 0;
  private spanCount = 0;

  constructor(
    private readonly sink: RunBufferSink,
    options: RunBufferOptions = {},
  ) {
    this.delay = options.checkpointDelayMillis ?? 0;
    this.timeoutMillis = options.incompleteRunTimeoutMillis ?? 15 * 60_000;
    this.maxRuns = options.maxBufferedRuns ?? 10_000;
    this.needStart = options.checkpointAfterStartSpan ?? false;
    this.limits = options;
    this.finished = new RecentIds(options.maxFinishedRunsRemembered ?? 10_000);
    this.sweeper = setInterval(
      () => this.sweep(),
      Math.min(60_000, Math.max(10, this.timeoutMillis / 4)),
    );
    this.sweeper.unref();
  }

  /**
   * Takes ended spans; returns the saves they started (spans of no run are ignored). Spans past
   * a run's limits or of another trace are refused (told to `sink.refused`); throws
   * `BufferFullError`, taking nothing, when the open runs would hold more than `maxBufferedBytes`.
   */
  accept(spans: readonly ReadableSpan[]): Promise<unknown>[] {
    let plans: Plan[];
    if (spans.length === 1) {
      // The in-process path: one span as it ends.
      const id = spans[0]!.attributes[ATTR_EXECUTION_ID];
      if (typeof id !== 'string') return [];
      plans = [this.plan(id, spans as ReadableSpan[])];
    } else {
      const groups = new Map<string, ReadableSpan[]>();
      for (const span of spans) {
        const id = span.attributes[ATTR_EXECUTION_ID];
        if (typeof id !== 'string') continue;
        const group = groups.get(id);
        if (group) group.push(span);
        else groups.set(id, [span]);
      }
      plans = [...groups].map(([id, group]) => this.plan(id, group));
    }
    const incoming = plans.reduce(
      (sum, p) => sum + (p.kind === 'open' && !p.ends ? p.added.bytes : 0),
      0,
    );
    if (incoming > 0 && this.bytes + incoming > (this.limits.maxBufferedBytes ?? Infinity)) {
      throw new BufferFullError(
        `the run buffer holds ${this.bytes} of ${this.limits.maxBufferedBytes} bytes`,
      );
    }
    const saves: Promise<unknown>[] = [];
    for (const plan of plans) {
      const { id } = plan;
      if (plan.kind === 'discarded') {
        this.sink.discarded?.(id, plan.ends);
        continue;
      }
      if (plan.kind === 'late') {
        saves.push(this.sink.late(id, plan.spans));
        continue;
      }
      for (const refusal of plan.refusals) this.sink.refused?.(refusal);
      if (plan.spans.length === 0) continue;
      const run = this.runOf(id, plan.spans[0]!.spanContext().traceId);
      run.add(plan.spans);
      run.usage.spans += plan.added.spans;
      run.usage.events += plan.added.events;
      run.usage.bytes += plan.added.bytes;
      this.spanCount += plan.added.spans;
      this.bytes += plan.added.bytes;
      run.lastSeenMillis = Date.now();
      if (plan.ends) {
        this.drop(run);
        this.finished.add(id);
        saves.push(this.sink.finish(id, run));
      } else if (
        (run.start !== undefined || !this.needStart) &&
        plan.spans.some((s) => s.attributes[ATTR_SPAN_ROLE] !== ROLE_BACKEND)
      ) {
        const save = this.scheduleCheckpoint(run);
        if (save) saves.push(save);
      }
    }
    return saves;
  }

  /** What one run's spans of an export come to, without changing anything. */
  private plan(id: string, group: ReadableSpan[]): Plan {
    const ends = (spans: readonly ReadableSpan[]) =>
      spans.some((s) => s.attributes[ATTR_SPAN_ROLE] === ROLE_RUN);
    if (this.discardedIds.has(id)) return { kind: 'discarded', id, ends: ends(group) };
    if (this.finished.has(id)) return { kind: 'late', id, spans: group };
    const run = this.runs.get(id);
    const traceId = run?.traceId ?? group[0]!.spanContext().traceId;
    const own = group.every((s) => s.spanContext().traceId === traceId)
      ? group
      : group.filter((s) => s.spanContext().traceId === traceId);
    const refusals: SpanRefusal[] = [];
    if (own.length < group.length)
      refusals.push({ executionId: id, spans: group.length - own.length, reason: 'other_trace' });
    const fit = fitRun(own, run?.usage ?? { spans: 0, events: 0, bytes: 0 }, this.limits);
    if (fit.reason) refusals.push({ executionId: id, spans: fit.refused, reason: fit.reason });
    return {
      kind: 'open',
      id,
      spans: fit.taken,
      added: fit.added,
      ends: ends(fit.taken),
      refusals,
    };
  }

  /** Forgets a run and drops its later spans (it was deleted). */
  discard(id: string): void {
    this.discardedIds.add(id);
    const run = this.runs.get(id);
    if (run) this.drop(run);
  }

  /** Saves every pending delayed checkpoint now; returns those saves. */
  flushCheckpoints(): Promise<unknown>[] {
    const saves: Promise<unknown>[] = [];
    for (const run of this.runs.values()) {
      if (!run.timer) continue;
      clearTimeout(run.timer);
      run.timer = undefined;
      saves.push(this.sink.checkpoint(run.id, run));
    }
    return saves;
  }

  /** Evicts every run still open (at shutdown); returns those saves. */
  evictAll(): Promise<unknown>[] {
    clearInterval(this.sweeper);
    return [...this.runs.values()].map((run) => this.evict(run));
  }

  get size(): number {
    return this.runs.size;
  }

  /** The runs still open, with their start spans once here. */
  openRuns(): Iterable<{ id: string; start: ReadableSpan | undefined }> {
    return this.runs.values();
  }

  /**
   * Spans and their estimated bytes of the open runs: held here until their owner takes them,
   * then as its record states' items.
   */
  usage(): { spans: number; bytes: number } {
    return { spans: this.spanCount, bytes: this.bytes };
  }

  private scheduleCheckpoint(run: Run): Promise<unknown> | undefined {
    if (this.delay <= 0) return this.sink.checkpoint(run.id, run);
    run.timer ??= setTimeout(() => {
      run.timer = undefined;
      if (this.runs.get(run.id) === run) void this.sink.checkpoint(run.id, run);
    }, this.delay);
    run.timer.unref();
    return undefined;
  }

  private runOf(id: string, traceId: string): Run {
    let run = this.runs.get(id);
    if (!run) {
      run = new Run(id, traceId);
      this.runs.set(id, run);
      while (this.runs.size > this.maxRuns) void this.evict(this.runs.values().next().value!);
    }
    return run;
  }

  private drop(run: Run): void {
    clearTimeout(run.timer);
    if (this.runs.get(run.id) !== run) return;
    this.runs.delete(run.id);
    this.spanCount -= run.usage.spans;
    this.bytes -= run.usage.bytes;
  }

  private evict(run: Run): Promise<unknown> {
    this.drop(run);
    return this.sink.evict(run.id, run);
  }

  private sweep(): void {
    const cutoff = Date.now() - this.timeoutMillis;
    for (const run of [...this.runs.values()])
      if (run.lastSeenMillis < cutoff) void this.evict(run);
  }
}
