import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { serializeRecord } from '../../src/domain/record-codec.js';
import { MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { StoreUnavailableError } from '../../src/store/postgres/store-unavailable-error.js';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import type { RecordChange } from '../../src/store/record-store.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { freePort } from '../helpers/processes.js';
import { buildAnnotation } from '../helpers/annotation-builder.js';
import { buildRecord } from '../helpers/record-builder.js';
import { eventually } from '../helpers/eventually.js';

let server: TestPostgres;
const opened: PostgresRecordStore[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await server?.stop();
});

async function open(url: string): Promise<PostgresRecordStore> {
  const store = await PostgresRecordStore.open(url, { poolSize: 4 });
  opened.push(store);
  return store;
}

/** Two stores on one fresh database, as two workers. */
async function twoWorkers(): Promise<[PostgresRecordStore, PostgresRecordStore, string]> {
  const url = await server.createDatabase();
  return [await open(url), await open(url), url];
}

async function sql<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Resolves when `changes` holds `count` entries (or fails after 5 s). */
async function waitFor(changes: RecordChange[], count: number): Promise<void> {
  await eventually(() => changes.length >= count, { what: `${count} changes` });
}

describe('PostgresRecordStore across workers', () => {
  it('shows annotations made on one worker to another, and after a restart; erasing the run removes them', async () => {
    const [one, two, url] = await twoWorkers();
    const record = buildRecord();
    await one.save(record);
    const annotation = buildAnnotation(record.execution_id);
    expect(await one.putAnnotation(annotation)).toBe(true);
    expect(await two.annotationsOf(record.execution_id)).toEqual([annotation]);
    await one.close();
    const restarted = await open(url);
    expect(await restarted.findAnnotations({ rubric: 'child_idea' })).toEqual([annotation]);
    await two.delete(record.execution_id);
    expect(await restarted.annotationsOf(record.execution_id)).toEqual([]);
    expect(await sql(url, 'SELECT * FROM annotations')).toEqual([]);
  });

  it('shows a save on one worker to list and get on another at once, and a delete everywhere', async () => {
    const [a, b] = await twoWorkers();
    const record = buildRecord();
    await a.save(record);
    expect(await b.get(record.execution_id)).toEqual(record);
    expect((await b.list()).records.map((r) => r.execution_id)).toEqual([record.execution_id]);
    expect(await b.delete(record.execution_id)).toBe(true);
    expect(await a.get(record.execution_id)).toBeNull();
    expect((await a.list()).total).toBe(0);
    expect((await a.stats()).records).toBe(0);
  });

  it('never brings back a record deleted on one worker when a run on another saves again', async () => {
    const [a, b] = await twoWorkers();
    const record = buildRecord({ status: 'incomplete' });
    await a.save(record);
    await b.delete(record.execution_id);
    expect(await a.trySave({ ...record, status: 'completed' })).toBe(false);
    await a.save({ ...record, status: 'completed' });
    expect(await b.get(record.execution_id)).toBeNull();
    expect((await b.list()).total).toBe(0);
  });

  it('keeps a record deleted while saves of it from other workers race the delete', async () => {
    const url = await server.createDatabase();
    const [deleter, ...savers] = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    const records = Array.from({ length: 100 }, () => buildRecord({ status: 'incomplete' }));
    await Promise.all(records.map((r) => savers[0]!.save(r)));
    await Promise.all(
      records.flatMap((r) => [
        ...savers.flatMap((s) => [s.save(r), s.save({ ...r, status: 'completed' })]),
        deleter!.delete(r.execution_id),
      ]),
    );
    expect((await deleter!.list()).total).toBe(0);
    for (const s of savers) expect((await s.list()).total).toBe(0);
  });

  it("tells a watching worker about another worker's saves and deletes", async () => {
    const [a, b] = await twoWorkers();
    const changes: RecordChange[] = [];
    const stop = b.watch((c) => changes.push(c));
    await b.watching();
    const record = buildRecord({ status: 'incomplete' });
    await a.save(record);
    await a.save({ ...record, status: 'completed' });
    await a.delete(record.execution_id);
    await a.delete(record.execution_id); // nothing left: no second announcement
    await a.save(record); // tombstoned: not saved, not announced
    // Announcements arrive in order: once a later save's has, no earlier one is still coming.
    const marker = buildRecord();
    await a.save(marker);
    await waitFor(changes, 4);
    expect(changes).toEqual([
      { kind: 'saved', executionId: record.execution_id, status: 'incomplete' },
      { kind: 'saved', executionId: record.execution_id, status: 'completed' },
      { kind: 'deleted', executionId: record.execution_id, status: null },
      { kind: 'saved', executionId: marker.execution_id, status: marker.status },
    ]);
    stop();
    const other: RecordChange[] = [];
    const stopOther = b.watch((c) => other.push(c));
    await a.save(buildRecord());
    await waitFor(other, 1);
    stopOther();
    expect(changes).toHaveLength(4);
  });
});

describe('PostgresRecordStore schema', () => {
  it('migrates once when several workers open a fresh database at the same moment', async () => {
    const url = await server.createDatabase();
    const stores = await Promise.all(Array.from({ length: 4 }, () => open(url)));
    await stores[0]!.save(buildRecord());
    expect((await stores[3]!.list()).total).toBe(1);
    const rows = await sql<{ version: number }>(
      url,
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await open(url); // opening again applies nothing and fails on nothing
    expect(await sql(url, 'SELECT version FROM schema_migrations')).toHaveLength(MIGRATIONS.length);
  });

  it('keeps the unfiltered total and stats exact under saves, replacements and deletes from several workers', async () => {
    const url = await server.createDatabase();
    const workers = await Promise.all(Array.from({ length: 3 }, () => open(url)));
    const records = Array.from({ length: 90 }, (_, n) => buildRecord({ config_name: `c${n}` }));
    await Promise.all(
      records.flatMap((r, n) => [
        workers[n % 3]!.save(r),
        workers[(n + 1) % 3]!.save({ ...r, items: r.items.slice(0, 1), status: 'incomplete' }),
        ...(n % 4 === 0 ? [workers[(n + 2) % 3]!.delete(r.execution_id)] : []),
      ]),
    );
    const [truth] = await sql<{ records: number; bytes: string }>(
      url,
      'SELECT count(*)::int AS records, coalesce(sum(bytes), 0)::text AS bytes FROM executions',
    );
    expect(truth!.records).toBeGreaterThan(60);
    for (const w of workers) {
      expect((await w.list({ limit: 1 })).total).toBe(truth!.records);
      expect(await w.stats()).toMatchObject({
        records: truth!.records,
        bytes: Number(truth!.bytes),
      });
    }
    const before = await sql(url, 'SELECT * FROM execution_totals ORDER BY shard');
    await sql(url, 'SELECT recount_executions()');
    expect(await sql(url, 'SELECT * FROM execution_totals ORDER BY shard')).toEqual(before);
  });

  it('keeps the record whole as JSONB beside its canonical text', async () => {
    const url = await server.createDatabase();
    const store = await open(url);
    const record = { ...buildRecord(), extra: { b: [1, 'ä'], a: null } } as ExecutionRecord;
    await store.save(record);
    const [row] = await sql<{ same: boolean; bytes: number; body: string }>(
      url,
      'SELECT record = body::jsonb AS same, bytes, body FROM executions',
    );
    expect(row).toEqual({
      same: true,
      bytes: Buffer.byteLength(serializeRecord(record)),
      body: serializeRecord(record),
    });
  });

  it('saves records that JSONB cannot hold (NUL, lone surrogate) and gives them back intact', async () => {
    const url = await server.createDatabase();
    const store = await open(url);
    const base = buildRecord();
    const record = {
      ...base,
      items: [{ ...base.items[0]!, content: 'a\u0000b \ud800 c' }, base.items[1]!],
    };
    await store.save(record);
    expect(serializeRecord((await store.get(record.execution_id))!)).toBe(serializeRecord(record));
    expect(await sql(url, 'SELECT record FROM executions')).toEqual([{ record: null }]);
  });

  it('probes writes with a real round trip', async () => {
    const url = await server.createDatabase();
    const store = await open(url);
    await store.probeWritable();
    await store.probeWritable();
    expect(await sql(url, 'SELECT count(*)::int AS n FROM health_probe')).toEqual([{ n: 1 }]);
  });
});

describe('PostgresRecordStore start-up faults', () => {
  it('fails to open an unreachable database with one line naming host:port, never the password', async () => {
    const port = await freePort();
    const started = Date.now();
    const error = await PostgresRecordStore.open(
      `postgres://writer:s3cr3t-pw@127.0.0.1:${port}/history`,
      { connectTimeoutMillis: 2_000 },
    ).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    const { message, stack } = error as Error;
    expect(message).toContain(`127.0.0.1:${port}/history`);
    expect(message).toMatch(/ECONNREFUSED/);
    expect(`${message}${stack}`).not.toContain('s3cr3t');
    expect(message).not.toContain('\n');
    expect(stack).toBe(`StoreUnavailableError: ${message}`);
  });

  it('fails to open with a wrong password as unavailable, without the password', async () => {
    // Trust authentication accepts any password, so a missing database stands in for a refusal.
    const u = new URL(server.url);
    u.password = 'pw-never-shown';
    u.pathname = '/no_such_database';
    const error = await PostgresRecordStore.open(u.toString()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/no_such_database.*does not exist/);
    expect((error as Error).message).not.toContain('pw-never-shown');
  });
});
