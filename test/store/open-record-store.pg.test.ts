import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { openRecordStore } from '../../src/store/open-record-store.js';
import { StoreUnavailableError } from '../../src/store/postgres/store-unavailable-error.js';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { freePort } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

let server: TestPostgres;

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await server?.stop();
});

describe('openRecordStore', () => {
  it('opens the file store without a database URL and the PostgreSQL store with one', async () => {
    const dir = await tempDir();
    const file = await openRecordStore({ executionsDir: dir });
    expect(file).toBeInstanceOf(FileRecordStore);
    await file.close();
    const again = await openRecordStore({ databaseUrl: null, executionsDir: dir });
    expect(again).toBeInstanceOf(FileRecordStore);
    await again.close();
    const store = await openRecordStore({
      databaseUrl: await server.createDatabase(),
      executionsDir: dir,
    });
    try {
      expect(store).toBeInstanceOf(PostgresRecordStore);
      await store.probeWritable();
    } finally {
      await store.close?.();
    }
  });

  it('rejects with StoreUnavailableError when the database is unreachable', async () => {
    const url = `postgres://u:pw@127.0.0.1:${await freePort()}/db`;
    await expect(
      openRecordStore({ databaseUrl: url, executionsDir: await tempDir() }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
