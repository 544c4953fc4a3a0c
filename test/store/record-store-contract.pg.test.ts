import { afterAll, beforeAll } from 'vitest';
import { PostgresRecordStore } from '../../src/store/postgres-record-store.js';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.js';
import { describeRecordStoreContract } from './record-store-contract.js';
import { describeSearchContract } from './search-contract.js';
import { describeSummaryContract } from './summary-contract.js';

let server: TestPostgres;
const opened: PostgresRecordStore[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
});

afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
  await server?.stop();
});

describeRecordStoreContract(
  'PostgresRecordStore',
  async () => {
    const store = await PostgresRecordStore.open(await server.createDatabase(), { poolSize: 4 });
    opened.push(store);
    return store;
  },
  { tombstones: true },
);

describeSearchContract('PostgresRecordStore', async () => {
  const store = await PostgresRecordStore.open(await server.createDatabase(), { poolSize: 4 });
  opened.push(store);
  return store;
});

describeSummaryContract('PostgresRecordStore', async () => {
  const store = await PostgresRecordStore.open(await server.createDatabase(), { poolSize: 4 });
  opened.push(store);
  return store;
});
