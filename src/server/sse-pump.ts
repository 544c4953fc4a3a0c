import type { Request, Response } from 'express';
import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';
import { openEventStream, type EventStreamOptions } from './event-stream.js';
import type { LiveEvent, LiveItems } from './live-items.js';
import { RunProgress } from './run-progress.js';

/** Where `streamRun` takes a run's events from. */
export interface RunStreamSource {
  live: LiveItems;
  /** The saved record; throws (404) when there is none. */
  load(executionId: string): Promise<ExecutionRecord>;
  /** Expected steps of a saved run (for its `state` events). */
  stepsOf(record: ExecutionRecord): readonly string[];
}

/** The client's resume point: `Last-Event-ID`, or `?last_event_id=` for a first connection. */
export function lastEventId(req: Request): number {
  const raw = req.get('last-event-id') ?? req.query.last_event_id;
  return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

/**
 * Streams one run as Server-Sent Events: `state` at once, then each item (`id:` its
 * sequence number) followed by its `state`, then `end` with the final status. A run in
 * progress here is followed live; any other is replayed from the store. Items up to
 * `Last-Event-ID` are skipped (but count towards the progress).
 */
export async function streamRun(
  req: Request,
  res: Response,
  executionId: string,
  source: RunStreamSource,
  options: EventStreamOptions = {},
): Promise<void> {
  const queue: LiveEvent[] = [];
  let wake: (() => void) | undefined;
  const subscription = source.live.subscribe(executionId, (event) => {
    queue.push(event);
    wake?.();
  });
  let steps = subscription?.steps ?? [];
  if (!subscription) {
    const record = await source.load(executionId);
    steps = source.stepsOf(record);
    for (const item of record.items) queue.push({ kind: 'item', item });
    queue.push({ kind: 'end', status: effectiveStatus(record) });
  }
  const after = lastEventId(req);
  const progress = new RunProgress(steps);
  for (let head = queue[0]; head?.kind === 'item' && head.item.sequence_number <= after;) {
    progress.apply(head.item);
    queue.shift();
    head = queue[0];
  }
  const stream = openEventStream(res, options);
  stream.send('state', progress.state());
  try {
    while (!stream.isClosed()) {
      const event = queue.shift();
      if (!event) {
        await Promise.race([new Promise<void>((r) => (wake = r)), stream.closed]);
        wake = undefined;
        continue;
      }
      if (event.kind === 'end') {
        stream.send('end', { status: event.status });
        break;
      }
      const state = progress.apply(event.item);
      if (event.item.sequence_number <= after) continue;
      stream.send('item', event.item, event.item.sequence_number);
      stream.send('state', state);
    }
  } finally {
    subscription?.unsubscribe();
    stream.end();
  }
}
