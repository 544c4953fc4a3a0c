import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { LEGACY_DIR, legacyRecordFiles } from './legacy-fixtures.js';
import { buildRecord } from './record-builder.js';
import { openFileStore } from './file-store.js';
import { tempDir } from './temp-dir.js';

/** Text a careless CSV or JSONL writer gets wrong: formulas, separators, line breaks, U+2028. */
export const TRICKY_TEXT = '=HYPERLINK("x","y"), "quoted"\r\nline\u2028two\u2029 €';

/** A record whose prompt is `TRICKY_TEXT`, with a seed and user/session ids in metadata. */
export function trickyRecord(startMillis: number): ExecutionRecord {
  const record = buildRecord({
    startMillis,
    user_id: 'child-7',
    session_id: 'class-3b',
    used_seed: 2 ** 40,
  });
  const [start, end] = record.items as [ExecutionRecord['items'][0], ExecutionRecord['items'][0]];
  record.items = [
    { ...start, metadata: { user_id: 'child-7', session_id: 'class-3b' } },
    {
      ...start,
      sequence_number: 2,
      stage: 1,
      item_type: 'user_input_text',
      media_type: 'text',
      content: TRICKY_TEXT,
      metadata: { input_language: 'de' },
    },
    {
      ...start,
      sequence_number: 3,
      stage: 1,
      item_type: 'translation_result',
      media_type: 'text',
      content: '-1 + 2',
      backend_type: 'ollama',
      execution_time: 0.25,
    },
    { ...end, sequence_number: 4 },
  ];
  return record;
}

/**
 * A file store holding the legacy fixtures, `extra` built records and two tricky records;
 * with `damage`, one record's file is overwritten with broken JSON after the store indexed it.
 * The store is closed after the current test.
 */
export async function researchStore(options: { extra?: number; damage?: boolean } = {}) {
  const dir = join(await tempDir(), 'executions');
  const store0 = await FileRecordStore.open(dir);
  for (const { name } of legacyRecordFiles())
    await copyFile(join(LEGACY_DIR, name), join(dir, name));
  const base = Date.UTC(2026, 5, 1, 12);
  const tricky = [trickyRecord(base), trickyRecord(base + 1000)];
  for (const r of tricky) await store0.save(r);
  for (let n = 0; n < (options.extra ?? 0); n++)
    await store0.save(buildRecord({ startMillis: base + 10_000 + n * 1000 }));
  await store0.close();
  const store = await openFileStore(dir);
  const damaged = options.damage ? tricky[1]!.execution_id : undefined;
  if (damaged) await writeFile(join(dir, `${damaged}.json`), '{"execution_id": "broken');
  return { store, dir, tricky, damaged, legacyCount: legacyRecordFiles().length };
}
