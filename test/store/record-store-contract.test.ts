import { afterAll, beforeAll } from 'vitest';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeRecordStoreContract } from './record-store-contract.js';
import { describeSearchContract } from './search-contract.js';

let server: TestPostgres;
const opened: PostgresRecordStore[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await server?.stop();
});

describeRecordStoreContract('FileRecordStore', async () => FileRecordStore.open(await tempDir()), {
  tombstones: true,
});
describeRecordStoreContract('MemoryRecordStore', async () => new MemoryRecordStore());
describeRecordStoreContract(
  'PostgresRecordStore',
  async () => {
    const store = await PostgresRecordStore.open(await server.createDatabase(), { poolSize: 4 });
    opened.push(store);
    return store;
  },
  { tombstones: true },
);

describeSearchContract('FileRecordStore', async () => FileRecordStore.open(await tempDir()));
describeSearchContract('MemoryRecordStore', async () => new MemoryRecordStore());
describeSearchContract('PostgresRecordStore', async () => {
  const store = await PostgresRecordStore.open(await server.createDatabase(), { poolSize: 4 });
  opened.push(store);
  return store;
});
