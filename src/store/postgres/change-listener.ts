import pg from 'pg';
import type { RecordChange } from '../record-store.js';
import { CHANGES_CHANNEL } from './migrations.js';

/** Options of `ChangeListener`. */
export interface ChangeListenerOptions {
  /** Connection settings of the dedicated LISTEN connection. */
  connection: pg.ClientConfig;
  warn: (message: string) => void;
  /** First wait before reconnecting, doubled up to 5 s; default 250. */
  retryMillis?: number;
}

/** Parses a change payload; undefined when it is not one of ours. */
export function parseChange(payload: string | undefined): RecordChange | undefined {
  try {
    const p = JSON.parse(payload ?? '') as { id?: unknown; kind?: unknown; status?: unknown };
    if (typeof p.id !== 'string' || (p.kind !== 'saved' && p.kind !== 'deleted')) return undefined;
    return {
      kind: p.kind,
      executionId: p.id,
      status: typeof p.status === 'string' ? p.status : null,
    };
  } catch {
    return undefined;
  }
}

/**
 * One dedicated connection that LISTENs on the changes channel and hands each change to every
 * listener; when the connection drops it reconnects with backoff.
 * NOTE: changes made while it is reconnecting are not replayed.
 */
export class ChangeListener {
  private readonly listeners = new Set<(change: RecordChange) => void>();
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private started = false;
  private failures = 0;

  constructor(private readonly options: ChangeListenerOptions) {}

  /** Adds a listener (connecting on the first); returns its removal. */
  add(listener: (change: RecordChange) => void): () => void {
    this.listeners.add(listener);
    if (!this.started && !this.stopped) {
      this.started = true;
      void this.connect();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once the LISTEN is in place (for tests and start-up ordering). */
  async ready(timeoutMillis = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMillis;
    while (!this.client) {
      if (this.stopped || Date.now() > deadline) throw new Error('change listener not connected');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.listeners.clear();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.options.connection);
    let dropped = false;
    const drop = (reason: string) => {
      if (dropped) return;
      dropped = true;
      if (this.client === client) this.client = undefined;
      client.end().catch(() => {});
      if (this.stopped) return;
      const wait = Math.min(5_000, (this.options.retryMillis ?? 250) * 2 ** this.failures);
      this.failures += 1;
      this.options.warn(`change listener disconnected (${reason}); reconnecting in ${wait} ms`);
      this.timer = setTimeout(() => void this.connect(), wait);
    };
    client.on('error', (error) => drop(error.message));
    client.on('end', () => drop('connection ended'));
    client.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL) return;
      const change = parseChange(message.payload);
      if (!change) return;
      for (const listener of this.listeners) {
        try {
          listener(change);
        } catch (error) {
          this.options.warn(`change listener threw: ${(error as Error).message}`);
        }
      }
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANGES_CHANNEL}`);
    } catch (error) {
      drop((error as Error).message);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.failures = 0;
    this.client = client;
  }
}
