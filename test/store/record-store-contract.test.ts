import { FileRecordStore } from '../../src/store/file-record-store.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import { tempDir } from '../helpers/temp-dir.js';
import { describeRecordStoreContract } from './record-store-contract.js';
import { describeSearchContract } from './search-contract.js';
import { describeSummaryContract } from './summary-contract.js';

// The PostgreSQL store runs the same contracts in record-store-contract.pg.test.ts.
describeRecordStoreContract('FileRecordStore', async () => FileRecordStore.open(await tempDir()), {
  tombstones: true,
});
describeRecordStoreContract('MemoryRecordStore', async () => new MemoryRecordStore());

describeSearchContract('FileRecordStore', async () => FileRecordStore.open(await tempDir()));
describeSearchContract('MemoryRecordStore', async () => new MemoryRecordStore());

describeSummaryContract('FileRecordStore', async () => FileRecordStore.open(await tempDir()));
describeSummaryContract('MemoryRecordStore', async () => new MemoryRecordStore());
