import { describe, expect, it } from 'vitest';
import { ExecutionItemSchema, isCanonicalItem } from '../../src/domain/execution-item.js';
import { parseRecord } from '../../src/domain/record-codec.js';
import { legacyRecordFiles } from '../helpers/legacy-fixtures.js';

const base = {
  sequence_number: 3,
  timestamp: '2026-03-01T10:15:00.123456+00:00',
  stage: 2,
  stage_iteration: 1,
  loop_iteration: null,
  media_type: 'text',
  item_type: 'interception_iteration',
  content: 'A flower',
  file_path: null,
  config_used: 'stillepost',
  model_used: null,
  backend_type: 'offline',
  execution_time: 0.25,
  metadata: { from_lang: 'en', nested: { a: [1, 2] } },
};

/** Values one change away from a canonical item: each either fails both checks or the fast one only. */
const variants: Record<string, unknown>[] = [
  base,
  { ...base, sequence_number: 0 },
  { ...base, sequence_number: 1.5 },
  { ...base, stage: -1 },
  { ...base, stage_iteration: -2 },
  { ...base, loop_iteration: 2.5 },
  { ...base, timestamp: 'yesterday' },
  { ...base, media_type: '' },
  { ...base, item_type: '' },
  { ...base, content: 7 },
  { ...base, backend_type: undefined },
  { ...base, execution_time: -1 },
  { ...base, execution_time: Number.POSITIVE_INFINITY },
  { ...base, execution_time: Number.NaN },
  { ...base, metadata: null },
  { ...base, metadata: [] },
  { ...base, backend_used: 'offline' },
  { ...base, extra_key: 'kept' },
];

describe('isCanonicalItem', () => {
  it('accepts only what the item schema gives back unchanged', () => {
    for (const value of variants) {
      const parsed = ExecutionItemSchema.safeParse(value);
      if (isCanonicalItem(value)) {
        expect(parsed.success, JSON.stringify(value)).toBe(true);
        expect(parsed.data).toEqual(value);
      }
    }
    expect(isCanonicalItem(base)).toBe(true);
    expect(variants.filter((v) => isCanonicalItem(v))).toHaveLength(2); // base and extra_key
  });

  it('accepts every item of the earlier server records once they passed the schema', () => {
    for (const { name, text } of legacyRecordFiles()) {
      for (const item of parseRecord(text, name).record.items) {
        if (!('backend_used' in item)) expect(isCanonicalItem(item)).toBe(true);
      }
    }
  });
});
