import { describe, expect, it } from 'vitest';
import { parseRecord } from '../../src/domain/record-codec.js';
import { toCompatRecord, toNaiveLocal } from '../../src/research/compat-record.js';
import { legacyRecordFiles } from '../helpers/legacy-fixtures.js';
import { buildRecord } from '../helpers/record-builder.js';
import { loadTaxonomy10 } from '../helpers/taxonomy-1-loader.js';

describe('compat 1.0 record', () => {
  it('gives back every legacy record exactly as the earlier server wrote it (backend_used)', () => {
    for (const { name, text } of legacyRecordFiles()) {
      const original = JSON.parse(text) as { items: Record<string, unknown>[] };
      const expected = {
        ...original,
        items: original.items.map(({ backend_type, ...rest }) =>
          backend_type === undefined ? rest : { ...rest, backend_used: backend_type },
        ),
      };
      const compat = toCompatRecord(parseRecord(text, name).record);
      expect(compat, name).toEqual(expected);
      expect(JSON.stringify(Object.keys(compat))).toBe(JSON.stringify(Object.keys(compat).sort()));
      expect(() => loadTaxonomy10(compat)).not.toThrow();
    }
  });

  it('turns a record of this project into one the taxonomy-1.0 loader reads', () => {
    const record = buildRecord({
      trace_id: 'a'.repeat(32),
      trace_url: 'http://jaeger.test/trace/x',
      timestamp: '2026-03-29T02:30:00.5+02:00',
    });
    record.items[0] = {
      ...record.items[0]!,
      backend_type: 'ollama',
      timestamp: '2026-03-29T02:30:00.123456789Z',
    };
    expect(() => loadTaxonomy10(record)).toThrow(); // the loader is strict: trace_id, status, backend_type
    const compat = toCompatRecord(record);
    const loaded = loadTaxonomy10(compat);
    expect(loaded.timestamp).toBe('2026-03-29T02:30:00.500000');
    expect(loaded.items[0]).toMatchObject({
      backend_used: 'ollama',
      timestamp: '2026-03-29T02:30:00.123456',
    });
    expect(loaded.taxonomy_version).toBe('1.0');
    expect(compat).not.toHaveProperty('trace_id');
    expect(compat).not.toHaveProperty('status');
  });

  it('leaves out items of types taxonomy 1.0 does not know, keeping the others', () => {
    const record = buildRecord();
    record.items.splice(1, 0, {
      ...record.items[0]!,
      sequence_number: 2,
      item_type: 'future_kind',
    });
    expect(toCompatRecord(record).items.map((i) => i.item_type)).toEqual([
      'pipeline_start',
      'pipeline_complete',
    ]);
  });

  it('writes naive local time with six fraction digits', () => {
    expect(toNaiveLocal('2025-11-03T20:52:39+01:00')).toBe('2025-11-03T20:52:39.000000');
    expect(toNaiveLocal('2025-11-03T20:52:39.064178')).toBe('2025-11-03T20:52:39.064178');
    expect(toNaiveLocal('2025-11-03T20:52:39.1-0530')).toBe('2025-11-03T20:52:39.100000');
  });
});
