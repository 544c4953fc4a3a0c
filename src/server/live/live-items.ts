import type { ExecutionItem } from '../../domain/execution-item.js';
import { terminalOutcome } from '../../domain/run-status.js';
import type { RunStart } from '../../pipeline/pipeline-runner.js';

/** What a stream subscriber is told: an item, or that the run ended. */
export type LiveEvent = { kind: 'item'; item: ExecutionItem } | { kind: 'end'; status: string };
type Subscriber = (event: LiveEvent) => void;

/** A subscription to a run in progress. */
export interface LiveSubscription {
  /** The run's expected step ids (empty when its start was not announced here). */
  steps: readonly string[];
  unsubscribe(): void;
}

interface LiveRun {
  items: ExecutionItem[];
  steps: readonly string[];
  subscribers: Set<Subscriber>;
  ended: boolean;
  /** Ends the run's streams should its final save not come after its terminal item. */
  grace?: NodeJS.Timeout;
}

/**
 * Items of runs in progress, for Server-Sent Events: fed by the tracker's item listener, ended
 * when the run's final record is saved (or, should that save fail, `endGraceMillis` after the
 * run's terminal item). An ended run keeps no items (it is not followed any more, its record
 * is saved); its id is remembered for `keepMillis`, so late items do not open it again.
 */
export class LiveItems {
  private readonly runs = new Map<string, LiveRun>();
  /** Ended runs in the order they ended, each with when it is forgotten. */
  private readonly ended: { id: string; run: LiveRun; at: number }[] = [];
  /** One timer forgets ended runs as they come due (not one a run). */
  private sweeper: NodeJS.Timeout | undefined;

  /**
   * @param keepMillis how long an ended run is kept (default 5,000 ms)
   * @param endGraceMillis after a run's terminal item, how long to wait for its final save
   *   before ending its streams anyway with the item's outcome (default 10,000 ms)
   */
  constructor(
    private readonly keepMillis = 5_000,
    private readonly endGraceMillis = 10_000,
  ) {}

  private runOf(executionId: string): LiveRun {
    let run = this.runs.get(executionId);
    if (!run)
      this.runs.set(
        executionId,
        (run = { items: [], steps: [], subscribers: new Set(), ended: false }),
      );
    return run;
  }

  /** Pipeline run-start listener: remembers the run's expected steps. */
  readonly onRunStart = (start: RunStart): void => {
    this.runOf(start.executionId).steps = start.steps;
  };

  /** Tracker item listener. */
  readonly onItem = (executionId: string, item: ExecutionItem): void => {
    const run = this.runOf(executionId);
    if (run.ended) return;
    run.items.push(item);
    for (const s of run.subscribers) s({ kind: 'item', item });
    const outcome = terminalOutcome(item);
    if (outcome && !run.grace) {
      run.grace = setTimeout(() => this.end(executionId, outcome), this.endGraceMillis);
      run.grace.unref();
    }
  };

  /** The run's final record was saved. */
  end(executionId: string, status: string): void {
    const run = this.runs.get(executionId);
    if (!run || run.ended) return;
    run.ended = true;
    clearTimeout(run.grace);
    run.grace = undefined;
    run.items = [];
    for (const s of run.subscribers) s({ kind: 'end', status });
    run.subscribers.clear();
    this.ended.push({ id: executionId, run, at: Date.now() + this.keepMillis });
    this.sweepSoon();
  }

  /** Forgets the ended runs that are due, then waits for the next one. */
  private sweepSoon(): void {
    const next = this.ended[0];
    if (this.sweeper || !next) return;
    this.sweeper = setTimeout(
      () => {
        this.sweeper = undefined;
        const now = Date.now();
        while (this.ended.length > 0 && this.ended[0]!.at <= now) {
          const { id, run } = this.ended.shift()!;
          if (this.runs.get(id) === run) this.runs.delete(id);
        }
        this.sweepSoon();
      },
      Math.max(0, next.at - Date.now()),
    );
    this.sweeper.unref();
  }

  /**
   * Replays the run's items so far, then follows it; undefined when the run is not in
   * progress here.
   */
  subscribe(executionId: string, subscriber: Subscriber): LiveSubscription | undefined {
    const run = this.runs.get(executionId);
    if (!run || run.ended) return undefined;
    for (const item of run.items) subscriber({ kind: 'item', item });
    run.subscribers.add(subscriber);
    return { steps: run.steps, unsubscribe: () => run.subscribers.delete(subscriber) };
  }
}
