import type { ExecutionItem } from '../domain/execution-item.js';

/** What a stream subscriber is told: an item, or that the run ended. */
export type LiveEvent = { kind: 'item'; item: ExecutionItem } | { kind: 'end'; status: string };
type Subscriber = (event: LiveEvent) => void;

interface LiveRun {
  items: ExecutionItem[];
  subscribers: Set<Subscriber>;
  ended: boolean;
}

/**
 * Items of runs in progress, for Server-Sent Events: fed by the tracker's item listener, ended
 * when the run's final record is saved. Ended runs are forgotten after `keepMillis`.
 */
export class LiveItems {
  private readonly runs = new Map<string, LiveRun>();

  constructor(private readonly keepMillis = 5_000) {}

  /** Tracker item listener. */
  readonly onItem = (executionId: string, item: ExecutionItem): void => {
    let run = this.runs.get(executionId);
    if (!run)
      this.runs.set(executionId, (run = { items: [], subscribers: new Set(), ended: false }));
    run.items.push(item);
    for (const s of run.subscribers) s({ kind: 'item', item });
  };

  /** The run's final record was saved. */
  end(executionId: string, status: string): void {
    const run = this.runs.get(executionId);
    if (!run || run.ended) return;
    run.ended = true;
    for (const s of run.subscribers) s({ kind: 'end', status });
    run.subscribers.clear();
    setTimeout(() => this.runs.delete(executionId), this.keepMillis).unref();
  }

  /**
   * Replays the run's items so far, then follows it; returns an unsubscribe function, or
   * undefined when the run is not in progress here.
   */
  subscribe(executionId: string, subscriber: Subscriber): (() => void) | undefined {
    const run = this.runs.get(executionId);
    if (!run || run.ended) return undefined;
    for (const item of run.items) subscriber({ kind: 'item', item });
    run.subscribers.add(subscriber);
    return () => run.subscribers.delete(subscriber);
  }
}
