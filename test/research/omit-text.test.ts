import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CHILD_TEXT_METADATA_KEYS, withoutChildText } from '../../src/domain/child-text-fields.js';
import { ITEM_TYPES } from '../../src/domain/item-type.js';
import { folderOutput } from '../../src/research/bundle-outputs.js';
import type { RecordEntry } from '../../src/research/record-entries.js';
import { BUNDLE_FILES, writeBundle } from '../../src/research/research-bundle.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

/** The child's words: every place gets its own, so any survivor is found by this mark. */
const WORD = 'Kinderwortgeheim';
let n = 0;
const words = () => `${WORD}${(n += 1)} malt einen Drachen`;

/** Item metadata with the child's words under every listed key, as text, list and nested. */
function wordyMetadata(): Record<string, unknown> {
  const metadata: Record<string, unknown> = { char_count: 12, safe: false };
  for (const key of CHILD_TEXT_METADATA_KEYS) metadata[key] = words();
  metadata.step = Object.fromEntries(CHILD_TEXT_METADATA_KEYS.map((k) => [k, [words(), words()]]));
  metadata.calls = [{ matched_terms: [{ term: words(), text: words() }] }];
  return metadata;
}

/** One record per item type, each item with words in its content and every metadata key. */
function wordyRecords() {
  return ITEM_TYPES.map((type, i) =>
    buildRecord({
      items: [
        buildItem(1, type, 1, {
          content: words(),
          metadata: wordyMetadata(),
          media_type: 'text',
        }),
      ],
      startMillis: Date.parse('2026-01-01T00:00:00Z') + i * 1000,
    }),
  );
}

async function parquetText(path: string): Promise<string> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    const rows = (
      await conn.runAndReadAll(`SELECT * FROM read_parquet('${path}')`)
    ).getRowObjectsJS();
    return JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('omit_text', () => {
  it('leaves no word of the child in any file of a bundle, for every item type and field', async () => {
    const records = wordyRecords();
    const dir = await tempDir();
    const out = join(dir, 'bundle');
    async function* entries(): AsyncGenerator<RecordEntry> {
      for (const record of records) yield { kind: 'record', record };
    }
    await writeBundle(entries(), folderOutput(out), {
      scratchDir: dir,
      matching: records.length,
      omitText: true,
    });
    for (const name of BUNDLE_FILES) {
      const text = name.endsWith('.parquet')
        ? await parquetText(join(out, name))
        : await readFile(join(out, name), 'utf8');
      expect(text, name).not.toContain(WORD);
      expect(text, name).not.toContain('Drachen');
    }
    const items = await readFile(join(out, 'items.csv'), 'utf8');
    expect(items).toContain('found_terms_chars');
    expect(items.split('\r\n').filter(Boolean)).toHaveLength(ITEM_TYPES.length + 1);
  });

  it('keeps the child-word fields when free text is not omitted (the fixture has them)', async () => {
    const [record] = wordyRecords();
    expect(JSON.stringify(record)).toContain(WORD);
    expect(JSON.stringify(withoutChildText(record!.items[0]!.metadata))).not.toContain(WORD);
  });
});
