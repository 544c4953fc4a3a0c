// Child process of postgres-store.bench.ts: saves COUNT records into one store, as one worker,
// and prints {"startMillis", "endMillis"} so the parent can time several writers together.
// It prints `ready` once its store is open and starts on a line on stdin. File-store writers
// each take their own directory under the target: one process owns a records directory.
import { join } from 'node:path';
import { FileRecordStore } from '../src/store/file-record-store.js';
import { PostgresRecordStore } from '../src/store/postgres-record-store.js';
import type { RecordStore } from '../src/store/record-store.js';
import { benchRecords } from './bench-records.js';

const [kind, target, countText, seedText] = process.argv.slice(2);
const count = Number(countText);
const store: RecordStore =
  kind === 'postgres'
    ? await PostgresRecordStore.open(target!, { poolSize: 10 })
    : await FileRecordStore.open(join(target!, `writer-${seedText}`));
const records = [...benchRecords(count, Number(seedText))];
console.log('ready');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
const startMillis = Date.now();
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < records.length) await store.save(records[next++]!);
  }),
);
const endMillis = Date.now();
await store.close?.();
console.log(JSON.stringify({ startMillis, endMillis }));
