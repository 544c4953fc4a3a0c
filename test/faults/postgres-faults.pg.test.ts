import { createServer, connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/postgres/store-unavailable-error.js';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import type { RecordChange } from '../../src/store/record-store.js';
import { startLocalPostgres, type LocalPostgres } from '../helpers/postgres.js';
import { buildRecord } from '../helpers/record-builder.js';

// Stops and starts its own server, so it never uses TEST_DATABASE_URL.
let server: LocalPostgres;

beforeAll(async () => {
  server = await startLocalPostgres();
});

afterAll(async () => {
  await server?.stop();
});

/** Retries `task` until it resolves or `millis` pass. */
async function eventually<T>(task: () => Promise<T>, millis = 10_000): Promise<T> {
  const deadline = Date.now() + millis;
  for (;;) {
    try {
      return await task();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** A TCP relay to the server that can stop passing bytes (a database that hangs, not one that refuses). */
async function freezableRelay(
  target: number,
): Promise<{ port: number; freeze(on: boolean): void; close(): void }> {
  let frozen = false;
  const pairs: [Socket, Socket][] = [];
  const relay = createServer((inbound) => {
    const outbound = connect(target, '127.0.0.1');
    pairs.push([inbound, outbound]);
    for (const [from, to] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      from.on('data', (chunk) => {
        if (!frozen) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  return {
    port: (relay.address() as { port: number }).port,
    freeze: (on) => {
      frozen = on;
    },
    close: () => {
      for (const pair of pairs) pair.forEach((s) => s.destroy());
      relay.close();
    },
  };
}

describe('PostgresRecordStore when the database goes away', () => {
  it('rejects a save within the statement timeout when the database hangs, and works once it answers', async () => {
    const url = new URL(await server.createDatabase());
    const relay = await freezableRelay(Number(url.port));
    url.port = String(relay.port);
    const store = await PostgresRecordStore.open(url.toString(), {
      poolSize: 2,
      connectTimeoutMillis: 1_000,
      statementTimeoutMillis: 1_500,
    });
    try {
      await store.save(buildRecord());
      relay.freeze(true);
      const started = Date.now();
      await expect(store.save(buildRecord())).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(4_000);
      relay.freeze(false);
      const after = buildRecord();
      await eventually(() => store.save(after));
      expect(await store.get(after.execution_id)).toEqual(after);
    } finally {
      await store.close();
      relay.close();
    }
  });

  it('rejects saves quickly while the database is down and saves again once it is back, without reopening', async () => {
    const url = await server.createDatabase();
    const options = { poolSize: 3, connectTimeoutMillis: 1_000, statementTimeoutMillis: 2_000 };
    const store = await PostgresRecordStore.open(url, options);
    const watcher = await PostgresRecordStore.open(url, options);
    try {
      const changes: RecordChange[] = [];
      watcher.watch((c) => changes.push(c));
      await watcher.watching();
      const before = buildRecord();
      await store.save(before);

      await server.halt();
      const started = Date.now();
      const down = buildRecord();
      await expect(store.save(down)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.list()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.probeWritable()).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(Date.now() - started).toBeLessThan(5_000);

      await server.resume();
      const after = buildRecord();
      await eventually(() => store.save(after));
      expect((await store.list()).records.map((r) => r.execution_id)).toEqual([
        after.execution_id,
        before.execution_id,
      ]);
      // The watcher's LISTEN connection came back too.
      await eventually(async () => {
        await store.save({ ...after, status: 'failed' });
        if (!changes.some((c) => c.status === 'failed')) throw new Error('no change seen yet');
      });
    } finally {
      await store.close();
      await watcher.close();
    }
  });
});
