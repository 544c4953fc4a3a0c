import type { Request, Response } from 'express';
import { effectiveStatus, type ExecutionRecord } from '../../domain/execution-record.js';
import { openEventStream, type EventStreamOptions } from './event-stream.js';
import type { RecordChange } from '../../store/record-store.js';
import type { LiveEvent, LiveItems } from './live-items.js';
import { RunProgress } from './run-progress.js';

/** Where `streamRun` takes a run's events from. */
export interface RunStreamSource {
  live: LiveItems;
  /** The saved record; throws (404) when there is none. */
  load(executionId: string): Promise<ExecutionRecord>;
  /** Expected steps of a saved run (for its `state` events). */
  stepsOf(record: ExecutionRecord): readonly string[];
  /** Changes saved by any worker sharing the store (PostgreSQL); absent: this process only. */
  watch?: (listener: (change: RecordChange) => void) => () => void;
  /** A run followed through `watch` that sees no change for this long ends; default 15 min. */
  idleMillis?: number;
}

/**
 * Follows a run that is going on in another worker: each save of its record there brings the
 * items not sent yet, its final save (or its deletion) the end.
 */
function followRemote(
  executionId: string,
  first: ExecutionRecord,
  source: RunStreamSource & { watch: NonNullable<RunStreamSource['watch']> },
  push: (event: LiveEvent) => void,
): () => void {
  let sent = first.items.at(-1)?.sequence_number ?? 0;
  let ended = false;
  let idle: NodeJS.Timeout | undefined;
  const end = (status: string) => {
    if (ended) return;
    ended = true;
    clearTimeout(idle);
    stop();
    push({ kind: 'end', status });
  };
  const touch = () => {
    clearTimeout(idle);
    idle = setTimeout(() => end('incomplete'), source.idleMillis ?? 15 * 60_000);
    idle.unref();
  };
  let reading = Promise.resolve();
  const refresh = () => {
    reading = reading.then(async () => {
      const record = await source.load(executionId).catch(() => null);
      if (!record || ended) return;
      for (const item of record.items)
        if (item.sequence_number > sent) {
          sent = item.sequence_number;
          push({ kind: 'item', item });
        }
      const status = effectiveStatus(record);
      if (status !== 'incomplete') end(status);
    });
  };
  const stop = source.watch((change) => {
    if (change.executionId !== executionId || ended) return;
    if (change.kind === 'deleted') return end('deleted');
    touch();
    refresh();
  });
  refresh(); // a save that landed before the watch began
  touch();
  return () => {
    ended = true;
    clearTimeout(idle);
    stop();
  };
}

/** The client's resume point: `Last-Event-ID`, or `?last_event_id=` for a first connection. */
export function lastEventId(req: Request): number {
  const raw = req.get('last-event-id') ?? req.query.last_event_id;
  return typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : 0;
}

/**
 * Streams one run as Server-Sent Events: `state` at once, then each item (`id:` its
 * sequence number) followed by its `state`, then `end` with the final status. A run in
 * progress here is followed live; one in progress in another worker is followed through the
 * store's change feed; any other is replayed from the store. Items up to
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
  let remote: (() => void) | undefined;
  if (!subscription) {
    const record = await source.load(executionId);
    steps = source.stepsOf(record);
    for (const item of record.items) queue.push({ kind: 'item', item });
    if (effectiveStatus(record) === 'incomplete' && source.watch) {
      const watch = source.watch;
      remote = followRemote(executionId, record, { ...source, watch }, (event) => {
        queue.push(event);
        wake?.();
      });
    } else {
      queue.push({ kind: 'end', status: effectiveStatus(record) });
    }
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
    remote?.();
    stream.end();
  }
}
