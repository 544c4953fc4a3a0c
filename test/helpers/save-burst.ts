// Run as a script by test/faults/file-descriptors.process.test.ts, under a low `ulimit -n`:
// saves `argv[3]` final records into a FileRecordStore at `argv[2]` in one turn of the event
// loop, then prints {"failed": n, "reason": ..., "stored": n} (stored: counted on reopening).
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { buildRecord } from './record-builder.js';

const [dir, count] = [process.argv[2]!, Number(process.argv[3])];
const store = await FileRecordStore.open(dir);
const outcomes = await Promise.allSettled(
  Array.from({ length: count }, (_, n) =>
    store.save(
      buildRecord({ execution_id: `exec_20261203_120000_${n.toString(16).padStart(8, '0')}` }),
    ),
  ),
);
const failed = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
await store.close();
const reopened = await FileRecordStore.open(dir);
const stored = (await reopened.stats()).records;
await reopened.close();
process.stdout.write(
  `${JSON.stringify({ failed: failed.length, reason: failed[0]?.slice(0, 200) ?? null, stored })}\n`,
);
