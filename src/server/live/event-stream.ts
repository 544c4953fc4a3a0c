import type { Response } from 'express';

/** Options of `openEventStream`. */
export interface EventStreamOptions {
  /** Interval of the comment lines that keep idle connections open; default 15,000 ms. */
  heartbeatMillis?: number;
  /** Reconnect delay the client is told (`retry:`); default 1,000 ms. */
  retryMillis?: number;
}

/** One Server-Sent Events response: typed events, heartbeats, one close listener. */
export interface EventStream {
  /** Settles when the client goes away or the stream is ended. */
  readonly closed: Promise<void>;
  isClosed(): boolean;
  /** Sends one event; `id` becomes the client's `Last-Event-ID`. No-op once closed. */
  send(event: string, data: unknown, id?: number): void;
  end(): void;
}

/** Answers `res` as an event stream (status 200, no caching, no proxy buffering). */
export function openEventStream(res: Response, options: EventStreamOptions = {}): EventStream {
  res.status(200).set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let open = true;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const heartbeat = setInterval(
    () => open && res.write(': heartbeat\n\n'),
    options.heartbeatMillis ?? 15_000,
  );
  heartbeat.unref();
  const close = () => {
    if (!open) return;
    open = false;
    clearInterval(heartbeat);
    markClosed();
  };
  res.once('close', close);
  res.write(`retry: ${options.retryMillis ?? 1_000}\n\n`);
  return {
    closed,
    isClosed: () => !open,
    send(event, data, id) {
      if (!open) return;
      res.write(
        `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
      );
    },
    end() {
      if (!open) return;
      close();
      res.end();
    },
  };
}
