import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionIdGenerator } from '../src/domain/execution-id.js';
import type { ExecutionRecord } from '../src/domain/execution-record.js';
import { parseRecord } from '../src/domain/record-codec.js';
import { formatMicros } from '../src/domain/timestamp.js';
import { PACKAGE_ROOT } from '../src/telemetry/tracker/package-root.js';

export const CONFIGS = ['dada', 'stillepost', 'bauhaus', 'passthrough', 'image_comparison'];
export const LEVELS = ['kids', 'youth', 'adult', 'research'];
const STATUSES = ['completed', 'completed', 'completed', 'blocked', 'failed'] as const;
/** Start of the first benchmark record; one record a minute after it. */
export const BENCH_START = Date.UTC(2026, 0, 1);

const template = parseRecord(
  readFileSync(
    join(PACKAGE_ROOT, 'test/fixtures/legacy-records/exec_20261124_025132_9a0560bf.json'),
    'utf8',
  ),
  'template',
).record;

/** `count` records from the 4.3 kB legacy template, spread as in bench/store.bench.ts. */
export function* benchRecords(count: number, seed = 1, first = 0): Generator<ExecutionRecord> {
  const ids = new ExecutionIdGenerator(seed + first);
  for (let i = first; i < first + count; i++) {
    const at = BENCH_START + i * 60_000;
    yield {
      ...template,
      execution_id: ids.next(new Date(at)),
      timestamp: formatMicros(at * 1000),
      config_name: CONFIGS[i % CONFIGS.length]!,
      safety_level: LEVELS[i % LEVELS.length]!,
      status: STATUSES[Math.floor(i / 7) % STATUSES.length]!,
      user_id: `user${i % 500}`,
      session_id: `session${i % 2000}`,
    };
  }
}
