import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/research/csv.js';
import { jsonLine } from '../../src/research/json-lines.js';
import { pseudonym, pseudonymizeRecord } from '../../src/research/pseudonyms.js';
import { recordEntries, type RecordEntry } from '../../src/research/record-entries.js';
import { formatUtcMicros, timestampMicros } from '../../src/research/timestamp-micros.js';
import { TOOL_VERSION } from '../../src/research/tool-info.js';
import { ZipWriter } from '../../src/research/zip-writer.js';
import { MemoryRecordStore } from '../../src/store/memory-record-store.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { buildRecord } from '../helpers/record-builder.js';
import { readZip } from '../helpers/zip-read.js';

const text = { type: 'VARCHAR' } as const;

async function collect(it: AsyncIterable<RecordEntry>) {
  const out: RecordEntry[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('export pieces', () => {
  it('neutralises formula cells in text columns only, and quotes per RFC 4180', () => {
    expect(['=1+2', '+1', '-x', '@SUM(A1)', '\tx', 'ok'].map((v) => csvCell(v, text))).toEqual([
      "'=1+2",
      "'+1",
      "'-x",
      "'@SUM(A1)",
      "'\tx",
      'ok',
    ]);
    expect(csvCell(-1.5, { type: 'DOUBLE' })).toBe('-1.5');
    expect(csvCell('a,"b"\r\nc', text)).toBe('"a,""b""\r\nc"');
    expect(csvCell(null, text)).toBe('');
    expect(csvCell(1_700_000_000_123_456, { type: 'TIMESTAMPTZ' })).toBe(
      '2023-11-14T22:13:20.123456Z',
    );
    expect(
      csvLine(['a', 1, true, null], [
        text,
        { type: 'INTEGER' },
        { type: 'BOOLEAN' },
        text,
      ] as never),
    ).toBe('a,1,true,\r\n');
  });

  it('escapes U+2028 and U+2029 in JSON lines and keeps them on reading', () => {
    const line = jsonLine({ t: 'a\u2028b\u2029c' });
    expect(line).toBe('{"t":"a\\u2028b\\u2029c"}\n');
    expect(JSON.parse(line)).toEqual({ t: 'a\u2028b\u2029c' });
  });

  it('makes keyed pseudonyms: stable per key, different across keys and fields', () => {
    expect(pseudonym('k'.repeat(16), 'user_id', 'u1')).toBe(
      pseudonym('k'.repeat(16), 'user_id', 'u1'),
    );
    expect(pseudonym('k'.repeat(16), 'user_id', 'u1')).not.toBe(
      pseudonym('j'.repeat(16), 'user_id', 'u1'),
    );
    expect(pseudonym('k'.repeat(16), 'user_id', 'x')).not.toBe(
      pseudonym('k'.repeat(16), 'session_id', 'x'),
    );
    const record = buildRecord({ user_id: 'u1' });
    record.items[0]!.metadata = { user_id: 'u1', nested: { session_id: 'default' } };
    const p = pseudonymizeRecord(record, 'k'.repeat(16));
    expect(JSON.stringify(p)).not.toMatch(/"u1"|"default"/);
    expect(record.user_id).toBe('u1'); // the input is not changed
  });

  it('reads timestamps to microseconds, naive ones as local time', () => {
    expect(timestampMicros('2026-11-24T02:51:32.064178+01:00')).toBe(
      Date.UTC(2026, 10, 24, 1, 51, 32, 64) * 1000 + 178,
    );
    expect(timestampMicros('2026-11-24T02:51:32.064178')).toBe(
      new Date(2026, 10, 24, 2, 51, 32, 64).getTime() * 1000 + 178,
    );
    expect(formatUtcMicros(timestampMicros('2026-11-24T02:51:32Z')!)).toBe(
      '2026-11-24T02:51:32.000000Z',
    );
  });

  it('writes ZIP entries, stored and deflated, that read back with their CRC-32', async () => {
    const chunks: Buffer[] = [];
    const zip = new ZipWriter(async (c) => void chunks.push(c), new Date(2026, 0, 2, 3, 4, 6));
    const big = 'Stille Post ü '.repeat(50_000);
    await zip.add(
      'a.txt',
      (async function* () {
        yield big;
        yield Buffer.from('end');
      })(),
    );
    await zip.add('ü/b.bin', [Buffer.from([0, 1, 2, 255])], { deflate: false });
    await zip.add('empty.txt', []);
    await zip.finish();
    const entries = readZip(Buffer.concat(chunks));
    expect(entries.map((e) => [e.name, e.method])).toEqual([
      ['a.txt', 8],
      ['ü/b.bin', 0],
      ['empty.txt', 8],
    ]);
    expect(entries[0]!.data.toString('utf8')).toBe(`${big}end`);
    expect([...entries[1]!.data]).toEqual([0, 1, 2, 255]);
    expect(entries[2]!.data.length).toBe(0);
  });

  it('iterates every matching record in pages, honours limit and offset, and reports unreadable ones', async () => {
    const store = new MemoryRecordStore();
    const records = Array.from({ length: 23 }, (_, n) =>
      buildRecord({ startMillis: Date.UTC(2026, 0, 1) + n * 1000 }),
    );
    for (const r of records) await store.save(r);
    const newestFirst = records.map((r) => r.execution_id).reverse();
    const ids = (es: RecordEntry[]) =>
      es.map((e) => (e.kind === 'record' ? e.record.execution_id : `!${e.execution_id}`));
    expect(ids(await collect(recordEntries(store, {}, { pageSize: 5 })))).toEqual(newestFirst);
    expect(
      ids(await collect(recordEntries(store, { limit: 7, offset: 3 }, { pageSize: 4 }))),
    ).toEqual(newestFirst.slice(3, 10));
    const broken: RecordStore = Object.assign(Object.create(store) as RecordStore, {
      get: async (id: string) => {
        if (id === newestFirst[2]) throw new Error('damaged');
        return id === newestFirst[4] ? null : store.get(id);
      },
    });
    const entries = await collect(recordEntries(broken, {}, { pageSize: 3 }));
    expect(entries).toHaveLength(23);
    expect(entries[2]).toEqual({ kind: 'error', execution_id: newestFirst[2], message: 'damaged' });
    expect(entries[4]).toMatchObject({ kind: 'error', message: 'listed, but gone when read' });
  });

  it('does not yield a record twice when a newer one is saved between two pages', async () => {
    const store = new MemoryRecordStore();
    for (let n = 0; n < 6; n++)
      await store.save(buildRecord({ startMillis: Date.UTC(2026, 0, 1) + n * 1000 }));
    const seen: string[] = [];
    for await (const e of recordEntries(store, {}, { pageSize: 3 })) {
      if (e.kind === 'record') seen.push(e.record.execution_id);
      if (seen.length === 2) await store.save(buildRecord({ startMillis: Date.UTC(2026, 0, 2) }));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(6);
  });

  it('names the version of package.json in manifests', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    expect(TOOL_VERSION).toBe(pkg.version);
  });
});
