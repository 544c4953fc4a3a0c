import { describe, expect, it } from 'vitest';
import { isCanonicalHead, RecordHeadSchema } from '../../src/domain/execution-record.js';
import { parseRecord } from '../../src/domain/record-codec.js';
import { legacyRecordFiles } from '../helpers/legacy-fixtures.js';

const base = {
  execution_id: 'exec_20261203_131603_0000030e',
  config_name: 'stillepost',
  timestamp: '2026-12-03T13:16:03.123456',
  user_id: 'anonymous',
  session_id: 'default',
  execution_mode: 'eco',
  safety_level: 'kids',
  used_seed: null,
  total_execution_time: null,
  taxonomy_version: '1.1',
  trace_id: '0123456789abcdef0123456789abcdef',
  trace_url: null,
  status: null,
};

// Each differs from `base` in one way the schema treats apart: a default to fill, a bad value, a
// key it keeps, or a valid value of another type.
const variants: Record<string, unknown>[] = [
  base,
  { ...base, study_id: 'pilot-1', condition: 'a' },
  { ...base, used_seed: 42, total_execution_time: 1.5, status: 'completed', trace_url: 'http://x' },
  { ...base, trace_id: null },
  { ...base, execution_id: 'exec_1' },
  { ...base, timestamp: 'yesterday' },
  { ...base, trace_id: 'ABC' },
  { ...base, used_seed: 1.5 },
  { ...base, used_seed: undefined },
  { ...base, total_execution_time: -1 },
  { ...base, status: 'done' },
  { ...base, status: undefined },
  { ...base, user_id: undefined },
  { ...base, taxonomy_version: undefined },
  { ...base, config_name: 3 },
  { ...base, study_id: 7 },
  { ...base, extra_key: 'kept' },
];

describe('isCanonicalHead', () => {
  it('accepts only what the head schema gives back unchanged', () => {
    for (const value of variants) {
      const parsed = RecordHeadSchema.safeParse(value);
      if (isCanonicalHead(value)) {
        expect(parsed.success, JSON.stringify(value)).toBe(true);
        expect(parsed.data).toEqual(value);
      }
    }
    expect(variants.filter((v) => isCanonicalHead(v))).toHaveLength(4);
  });

  it('accepts the head of every earlier server record once it passed the schema', () => {
    for (const { name, text } of legacyRecordFiles()) {
      const { items, token_usage, ...head } = parseRecord(text, name).record;
      void items;
      void token_usage;
      expect(isCanonicalHead(head), name).toBe(true);
    }
  });
});
