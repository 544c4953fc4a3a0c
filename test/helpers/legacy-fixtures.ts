import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { RecordStore } from '../../src/store/record-store.js';

/** Where the earlier Python server's records are kept for tests. */
export const LEGACY_DIR = fileURLToPath(new URL('../fixtures/legacy-records/', import.meta.url));

/** Every legacy record file: its name and text. */
export function legacyRecordFiles(): { name: string; text: string }[] {
  return readdirSync(LEGACY_DIR)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(LEGACY_DIR + name, 'utf8') }));
}

/** The four legacy records as a store lists them: newest first, with their effective status. */
export async function expectLegacyListing(store: RecordStore): Promise<void> {
  const all = await store.list();
  expect(all.records.map((r) => r.execution_id)).toEqual([
    'exec_20261124_025140_7b6887c5',
    'exec_20261124_025135_554730d2',
    'exec_20261124_025133_29163f80',
    'exec_20261124_025132_9a0560bf',
  ]);
  expect((await store.list({ configName: 'dada' })).records.map((r) => r.status)).toEqual([
    'blocked',
    'completed',
  ]);
  expect((await store.list({ status: 'blocked' })).total).toBe(1);
}
