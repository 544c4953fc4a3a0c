import { afterAll } from 'vitest';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeRecordStoreContract } from './record-store-contract.js';
import { describeSearchContract } from './search-contract.js';
import { describeSummaryContract } from './summary-contract.js';

// Every store a contract opens is closed at the end (its journal keeps a file handle open).
const opened: FileRecordStore[] = [];
const fileStore = async (): Promise<FileRecordStore> => {
  const store = await FileRecordStore.open(await tempDir());
  opened.push(store);
  return store;
};

afterAll(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

// The PostgreSQL store runs the same contracts in record-store-contract.pg.test.ts.
describeRecordStoreContract('FileRecordStore', fileStore, { tombstones: true });
describeRecordStoreContract('MemoryRecordStore', async () => new MemoryRecordStore());

describeSearchContract('FileRecordStore', fileStore);
describeSearchContract('MemoryRecordStore', async () => new MemoryRecordStore());

describeSummaryContract('FileRecordStore', fileStore);
describeSummaryContract('MemoryRecordStore', async () => new MemoryRecordStore());
