import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { exportBundleCommand, EXPORT_EXIT } from '../../src/cli/export-bundle-command.js';
import type { BundleQuery } from '../../src/query/list-queries.js';
import type { BundleManifest } from '../../src/research/bundle-manifest.js';
import { BUNDLE_FILES } from '../../src/research/research-bundle.js';
import { csvObjects } from '../helpers/csv-parse.js';
import { researchStore, TRICKY_TEXT } from '../helpers/research-store.js';
import { buildItem, buildRecord } from '../helpers/record-builder.js';
import { tempDir } from '../helpers/temp-dir.js';

function stderr() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (c: Buffer) => (text += c.toString('utf8')));
  return { stream, text: () => text };
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

async function exportTo(
  store: Awaited<ReturnType<typeof researchStore>>['store'],
  extra: { studyKey?: string; query?: Partial<BundleQuery> } = {},
) {
  const dir = join(await tempDir(), 'bundle');
  const err = stderr();
  const code = await exportBundleCommand(
    store,
    { dir, query: {}, ...extra },
    { stderr: err.stream },
  );
  return { dir, code, stderr: err.text() };
}

describe('export --bundle DIR', () => {
  it('writes every file, with manifest hashes that verify, CSVs that parse and Parquet that reads back', async () => {
    const { store, legacyCount } = await researchStore({ extra: 3 });
    const { dir, code, stderr } = await exportTo(store);
    expect(code).toBe(EXPORT_EXIT.ok);
    // Not a terminal: no bar, the count line only.
    expect(stderr).not.toMatch(/exporting \[/);
    expect(stderr).toMatch(/wrote 9 records/);
    expect((await readdir(dir)).sort()).toEqual([...BUNDLE_FILES].sort());
    const manifest = JSON.parse(
      await readFile(join(dir, 'manifest.json'), 'utf8'),
    ) as BundleManifest;
    expect(manifest.files.map((f) => f.name)).toEqual(BUNDLE_FILES.slice(0, -1));
    for (const f of manifest.files) {
      const bytes = await readFile(join(dir, f.name));
      expect(bytes.length, f.name).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), f.name).toBe(f.sha256);
    }
    const records = legacyCount + 2 + 3;
    expect(manifest.counts).toMatchObject({ matching: records, records, errors: 0 });
    expect(manifest).toMatchObject({
      tool: { name: 'execution-history' },
      taxonomy_version: '1.1',
      pseudonymized: false,
    });

    const jsonl = await readFile(join(dir, 'records.jsonl'), 'utf8');
    expect(jsonl).not.toMatch(/[\u2028\u2029]/);
    const lines = jsonl
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { items: { content: string | null }[] });
    expect(lines).toHaveLength(records);
    expect(lines.flatMap((l) => l.items.map((i) => i.content))).toContain(TRICKY_TEXT);

    const runs = csvObjects(await readFile(join(dir, 'runs.csv'), 'utf8'));
    const items = csvObjects(await readFile(join(dir, 'items.csv'), 'utf8'));
    expect(runs).toHaveLength(records);
    expect(items).toHaveLength(manifest.counts.items);
    expect(runs.filter((r) => r.input_text === `'${TRICKY_TEXT}`)).toHaveLength(2); // formula neutralised
    expect(items.filter((i) => i.content === `'-1 + 2`)).toHaveLength(2);

    const [runCount] = await query(
      `SELECT count(*)::INT AS n, count(DISTINCT execution_id)::INT AS ids FROM '${join(dir, 'runs.parquet')}'`,
    );
    expect(runCount).toEqual({ n: records, ids: records });
    const [itemCount] = await query(
      `SELECT count(*)::INT AS n FROM '${join(dir, 'items.parquet')}'`,
    );
    expect(itemCount!.n).toBe(manifest.counts.items);
    const tricky = await query(
      `SELECT input_text, used_seed::VARCHAR AS seed, user_id, interception_iterations, epoch_ms(timestamp_utc)::DOUBLE AS ms FROM '${join(dir, 'runs.parquet')}' WHERE user_id = 'child-7' ORDER BY ms`,
    );
    expect(tricky.map((t) => t.input_text)).toEqual([TRICKY_TEXT, TRICKY_TEXT]); // unneutralised in Parquet
    expect(tricky[0]).toMatchObject({ seed: String(2 ** 40), ms: Date.UTC(2026, 5, 1, 12) });
    const [stille] = await query(
      `SELECT interception_iterations AS n FROM '${join(dir, 'runs.parquet')}' WHERE config_name = 'stillepost'`,
    );
    expect(stille!.n).toBe(8);
    const [types] = await query(
      `SELECT typeof(execution_time) AS t, typeof(stage) AS s, typeof(timestamp_utc) AS ts FROM '${join(dir, 'items.parquet')}' LIMIT 1`,
    );
    expect(types).toEqual({ t: 'DOUBLE', s: 'INTEGER', ts: 'TIMESTAMP WITH TIME ZONE' });

    const codebook = await readFile(join(dir, 'codebook.md'), 'utf8');
    for (const column of Object.keys(runs[0]!).concat(Object.keys(items[0]!)))
      expect(codebook).toContain(`| \`${column}\` |`);
    const schema = JSON.parse(await readFile(join(dir, 'schema.json'), 'utf8'));
    expect(schema.properties.items.type).toBe('array');
  });

  it('replaces user and session ids by study pseudonyms that differ between studies', async () => {
    const { store } = await researchStore();
    const a = await exportTo(store, { studyKey: 'study-a-0123456789' });
    const a2 = await exportTo(store, { studyKey: 'study-a-0123456789' });
    const b = await exportTo(store, { studyKey: 'study-b-0123456789' });
    const users = async (dir: string) =>
      csvObjects(await readFile(join(dir, 'runs.csv'), 'utf8')).map(
        (r) => `${r.user_id}/${r.session_id}`,
      );
    const [ua, ua2, ub] = await Promise.all([users(a.dir), users(a2.dir), users(b.dir)]);
    expect(ua).toEqual(ua2);
    for (const u of ua) expect(u).toMatch(/^[0-9a-f]{64}\/[0-9a-f]{64}$/);
    expect(ua.filter((u) => ub.includes(u))).toEqual([]);
    for (const name of ['records.jsonl', 'runs.csv', 'items.csv']) {
      const text = await readFile(join(a.dir, name), 'utf8');
      expect(text, name).not.toContain('child-7');
      expect(text, name).not.toContain('class-3b');
    }
    expect(JSON.parse(await readFile(join(a.dir, 'manifest.json'), 'utf8')).pseudonymized).toBe(
      true,
    );
  });

  it('writes a user or session filter into a pseudonymised manifest as its pseudonym', async () => {
    const { store } = await researchStore();
    const { dir } = await exportTo(store, {
      studyKey: 'study-a-0123456789',
      query: { user_id: 'child-7', session_id: 'class-3b' },
    });
    const text = await readFile(join(dir, 'manifest.json'), 'utf8');
    expect(text).not.toContain('child-7');
    expect(text).not.toContain('class-3b');
    expect(JSON.parse(text).filters.user_id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('omits free text on request and keeps its length', async () => {
    const { store } = await researchStore();
    const { dir, code } = await exportTo(store, { query: { omit_text: true } });
    expect(code).toBe(EXPORT_EXIT.ok);
    for (const name of ['records.jsonl', 'runs.csv', 'items.csv'])
      expect(await readFile(join(dir, name), 'utf8'), name).not.toMatch(
        /HYPERLINK|Blume|Baum|meadow/,
      );
    const items = csvObjects(await readFile(join(dir, 'items.csv'), 'utf8'));
    const input = items.find(
      (i) =>
        i.item_type === 'user_input_text' && i.content_chars === String([...TRICKY_TEXT].length),
    );
    expect(input?.content).toBe('');
  });

  it('counts a damaged record, marks it in records.jsonl and exits 1', async () => {
    const { store, damaged, legacyCount } = await researchStore({ damage: true });
    const { dir, code, stderr } = await exportTo(store);
    expect(code).toBe(EXPORT_EXIT.someUnreadable);
    expect(stderr).toContain('1 records could not be read');
    const manifest = JSON.parse(
      await readFile(join(dir, 'manifest.json'), 'utf8'),
    ) as BundleManifest;
    expect(manifest.counts).toMatchObject({
      matching: legacyCount + 2,
      records: legacyCount + 1,
      errors: 1,
    });
    expect(manifest.errors[0]!.execution_id).toBe(damaged);
    const lines = (await readFile(join(dir, 'records.jsonl'), 'utf8'))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => 'export_error' in l)).toEqual([
      {
        export_error: {
          execution_id: damaged,
          message: expect.stringContaining('not a readable execution record'),
        },
      },
    ]);
  });

  it('honours filters and refuses a folder that is not empty', async () => {
    const { store } = await researchStore({ extra: 2 });
    const { dir } = await exportTo(store, { query: { config: 'stillepost' } });
    expect(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'))).toMatchObject({
      filters: { config: 'stillepost' },
      counts: { records: 1 },
    });
    const full = join(await tempDir(), 'full');
    await mkdir(full);
    await writeFile(join(full, 'keep.txt'), 'x');
    const err = stderr();
    expect(await exportBundleCommand(store, { dir: full, query: {} }, { stderr: err.stream })).toBe(
      EXPORT_EXIT.failed,
    );
    expect(err.text()).toContain('is not empty');
    expect(await readdir(full)).toEqual(['keep.txt']);
  });
});

describe('export --bundle DIR --media', () => {
  it('writes each output file once under its hash, links it from items and counts the missing', async () => {
    const { store } = await researchStore();
    const root = await tempDir();
    const mediaDir = join(root, 'media');
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const record = buildRecord({ startMillis: Date.UTC(2026, 6, 1) });
    const output = (n: number, file: string) =>
      buildItem(n, 'output_image', 4, { media_type: 'image', file_path: `/srv/media/${file}` });
    // Two outputs share one picture's bytes; a third names a file that is not there.
    record.items = [
      record.items[0]!,
      output(2, 'a.png'),
      output(3, 'b.png'),
      output(4, 'gone.png'),
      { ...record.items[1]!, sequence_number: 5 },
    ];
    await store.save(record);
    await mkdir(join(mediaDir, record.execution_id), { recursive: true });
    await writeFile(join(mediaDir, record.execution_id, 'a.png'), png);
    await writeFile(join(mediaDir, record.execution_id, 'b.png'), png);

    const dir = join(root, 'bundle');
    const err = stderr();
    const code = await exportBundleCommand(
      store,
      { dir, query: { media: true }, mediaDir },
      { stderr: err.stream },
    );
    expect(code).toBe(EXPORT_EXIT.ok);
    const sha = createHash('sha256').update(png).digest('hex');
    expect(await readdir(join(dir, 'media'))).toEqual([`${sha}.png`]);
    const manifest = JSON.parse(
      await readFile(join(dir, 'manifest.json'), 'utf8'),
    ) as BundleManifest;
    // The store's legacy records name files that were never copied here: missing too.
    let elsewhere = 0;
    for (const s of (await store.list({ limit: 100 })).records)
      if (s.execution_id !== record.execution_id)
        elsewhere += (await store.get(s.execution_id))!.items.filter((i) => i.file_path).length;
    expect(manifest.media).toEqual({
      files: 1,
      bytes: png.length,
      missing: 1 + elsewhere,
      over_limit: 0,
    });
    expect(manifest.files).toContainEqual({
      name: `media/${sha}.png`,
      bytes: png.length,
      sha256: sha,
    });
    const items = csvObjects(await readFile(join(dir, 'items.csv'), 'utf8')).filter(
      (i) => i.execution_id === record.execution_id && i.item_type === 'output_image',
    );
    expect(items.map((i) => [i.media_file, i.media_status])).toEqual([
      [`media/${sha}.png`, 'included'],
      [`media/${sha}.png`, 'included'],
      ['', 'missing'],
    ]);
  });
});

describe('export --bundle DIR on a terminal', () => {
  it('draws a progress bar that reaches 100 %', async () => {
    const { store } = await researchStore({ extra: 3 });
    const err = stderr();
    const tty = Object.assign(err.stream, { isTTY: true });
    const dir = join(await tempDir(), 'bundle');
    expect(await exportBundleCommand(store, { dir, query: {} }, { stderr: tty })).toBe(
      EXPORT_EXIT.ok,
    );
    expect(err.text()).toMatch(/exporting \[#+\] 100% 9\/9/);
  });
});
