import { describe, expect, it } from 'vitest';
import { effectiveStatus } from '../../src/domain/execution-record.js';
import {
  parseRecord,
  RecordFormatError,
  serializeRecord,
  toRecord,
} from '../../src/domain/record-codec.js';
import { legacyRecordFiles } from '../helpers/legacy-fixtures.js';

const legacy = legacyRecordFiles();

describe('reading the earlier server records', () => {
  it('has all four legacy fixtures', () => {
    expect(legacy.map((f) => f.name)).toHaveLength(4);
  });

  it.each(legacy)('loads $name with every item and no warnings', ({ name, text }) => {
    const raw = JSON.parse(text) as { items: unknown[]; execution_id: string };
    const { record, warnings } = parseRecord(text, name);
    expect(warnings).toEqual([]);
    expect(record.execution_id).toBe(raw.execution_id);
    expect(record.items).toHaveLength(raw.items.length);
    expect(record.items.map((i) => i.sequence_number)).toEqual(raw.items.map((_, n) => n + 1));
  });

  it.each(legacy)(
    'round-trips $name: load, write, load gives the same record',
    ({ name, text }) => {
      const first = parseRecord(text, name).record;
      const second = parseRecord(serializeRecord(first), name).record;
      expect(second).toEqual(first);
    },
  );

  it('reads backend_used (2025 writer) and backend_type (2026 writer) as backend_type', () => {
    const old = parseRecord(legacy.find((f) => f.name.includes('9a0560bf'))!.text, 'old').record;
    const recent = parseRecord(legacy.find((f) => f.name.includes('7b6887c5'))!.text, 'new').record;
    expect(old.items.map((i) => i.backend_type)).toEqual([
      null,
      null,
      'ollama',
      'ollama',
      null,
      'comfyui',
      null,
    ]);
    expect(old.items.every((i) => !('backend_used' in i))).toBe(true);
    expect(recent.items[5]!.backend_type).toBe('comfyui');
  });

  it('keeps non-ASCII text readable when writing', () => {
    const stille = legacy.find((f) => f.name.includes('29163f80'))!;
    const out = serializeRecord(parseRecord(stille.text, stille.name).record);
    expect(out).toContain('घास के मैदान में एक फूल।');
    expect(out).toContain('초원 위의 꽃.');
    expect(out).not.toMatch(/\\u[0-9a-f]{4}/);
  });

  it('derives the status of records written before the status field', () => {
    const byName = (id: string) =>
      parseRecord(legacy.find((f) => f.name.includes(id))!.text, id).record;
    expect(effectiveStatus(byName('9a0560bf'))).toBe('completed');
    expect(effectiveStatus(byName('554730d2'))).toBe('blocked');
  });
});

describe('tolerant reading', () => {
  const base = () =>
    JSON.parse(legacy[0]!.text) as Record<string, unknown> & { items: Record<string, unknown>[] };

  it('keeps an unknown item type and media type, with a warning', () => {
    const doc = base();
    doc.items[1]!.item_type = 'user_input_gesture';
    doc.items[1]!.media_type = 'hologram';
    const { record, warnings } = toRecord(doc, 'x.json');
    expect(record.items[1]!.item_type).toBe('user_input_gesture');
    expect(record.items[1]!.media_type).toBe('hologram');
    expect(warnings).toEqual([
      'x.json: item 2 has unknown item_type "user_input_gesture" (kept)',
      'x.json: item 2 has unknown media_type "hologram" (kept)',
    ]);
  });

  it('keeps unknown extra keys at record and item level and writes them back', () => {
    const doc = base();
    doc.school = 'Grundschule Nord';
    doc.items[0]!.annotator_note = 'ok';
    const out = JSON.parse(serializeRecord(toRecord(doc, 'x').record)) as typeof doc;
    expect(out.school).toBe('Grundschule Nord');
    expect(out.items[0]!.annotator_note).toBe('ok');
  });

  it('keeps both backend keys when they disagree', () => {
    const doc = base();
    doc.items[2]!.backend_type = 'openrouter';
    const item = toRecord(doc, 'x').record.items[2]!;
    expect(item.backend_type).toBe('openrouter');
    expect(item.backend_used).toBe('ollama');
  });

  it('fills absent optional fields with null and the documented defaults', () => {
    const doc = base();
    delete doc.user_id;
    delete doc.used_seed;
    delete doc.items[0]!.file_path;
    const { record } = toRecord(doc, 'x');
    expect(record.user_id).toBe('anonymous');
    expect(record.used_seed).toBeNull();
    expect(record.items[0]!.file_path).toBeNull();
    expect(record.trace_id).toBeNull();
    expect(record.status).toBeNull();
  });
});

describe('rejecting documents that are not records', () => {
  it('names the file and says the JSON is invalid', () => {
    expect(() => parseRecord('{"execution_id": ', 'broken.json')).toThrow(
      /^broken\.json: not a readable execution record: invalid JSON/,
    );
  });

  it('names the missing and malformed fields', () => {
    const error = (() => {
      try {
        toRecord({ execution_id: '../../etc/passwd', items: 'none' }, 'foreign.json');
      } catch (e) {
        return e as RecordFormatError;
      }
      throw new Error('expected a RecordFormatError');
    })();
    expect(error).toBeInstanceOf(RecordFormatError);
    expect(error.source).toBe('foreign.json');
    expect(error.message).toMatch(/execution_id/);
    expect(error.message).toMatch(/exec_YYYYMMDD_HHMMSS/);
    expect(error.message).toMatch(/config_name/);
    expect(error.message).toMatch(/items/);
  });

  it('rejects an item with a negative sequence number', () => {
    const doc = JSON.parse(legacy[0]!.text) as { items: Record<string, unknown>[] };
    doc.items[0]!.sequence_number = -1;
    expect(() => toRecord(doc, 'bad.json')).toThrow(/sequence_number/);
  });
});

describe('canonical writing', () => {
  it('sorts keys at every level, indents by two spaces and writes every field', () => {
    const { record } = parseRecord(legacy[0]!.text, 'x');
    const text = serializeRecord({
      ...record,
      items: [{ ...record.items[0]!, metadata: { z: 1, a: { y: 2, b: 3 } } }],
    });
    const lines = text.split('\n');
    expect(lines[1]).toBe('  "config_name": "dada",');
    const keys = Object.keys(JSON.parse(text) as object);
    expect(keys).toEqual([...keys].sort());
    expect(text.indexOf('"a": {')).toBeLessThan(text.indexOf('"z": 1'));
    expect(text.indexOf('"b": 3')).toBeLessThan(text.indexOf('"y": 2'));
    expect(keys).toEqual(expect.arrayContaining(['trace_id', 'status', 'trace_url', 'used_seed']));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('orders keys as sort() does: by UTF-16 code units, in small objects and large', () => {
    const { record } = parseRecord(legacy[0]!.text, 'x');
    const odd = ['b', 'B', '_a', 'ä', 'a10', 'a2', 'Z', 'é', '😀', 'ﬀ', ' ', 'a', 'ab', 'aa'];
    const many = Array.from({ length: 40 }, (_, i) => `k${(i * 7919) % 40}`);
    const metadata = Object.fromEntries(odd.map((k, i) => [k, i]));
    const large = Object.fromEntries(many.map((k, i) => [k, i]));
    const text = serializeRecord({
      ...record,
      items: [{ ...record.items[0]!, metadata: { ...metadata, large } }],
    });
    const written = JSON.parse(text) as { items: { metadata: Record<string, unknown> }[] };
    const m = written.items[0]!.metadata;
    expect(Object.keys(m)).toEqual([...odd, 'large'].sort());
    expect(Object.keys(m.large as object)).toEqual([...many].sort());
  });

  it('writes frozen items (the record path reuses their text) exactly as plain ones', () => {
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
            )
          : v;
    for (const { name, text } of legacy) {
      const record = parseRecord(text, name).record;
      const canonical = `${JSON.stringify(sortKeys(record), null, 2)}\n`;
      expect(serializeRecord(record)).toBe(canonical);
      const frozen = { ...record, items: record.items.map((i) => Object.freeze({ ...i })) };
      expect(serializeRecord(frozen)).toBe(canonical);
      expect(serializeRecord(frozen)).toBe(canonical); // the second time from the cache
      // A run's earlier states share its frozen items: each state's text is its own.
      for (let k = 0; k <= frozen.items.length; k++) {
        const state = { ...frozen, status: 'incomplete' as const, items: frozen.items.slice(0, k) };
        expect(serializeRecord(state)).toBe(`${JSON.stringify(sortKeys(state), null, 2)}\n`);
      }
      // A record-level key holding `"items": []` deeper, and no items at all.
      const odd = { ...record, extra: { items: [] }, items: [] };
      expect(serializeRecord(odd)).toBe(`${JSON.stringify(sortKeys(odd), null, 2)}\n`);
    }
  });
});
