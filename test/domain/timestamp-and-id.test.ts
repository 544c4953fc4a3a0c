import { describe, expect, it } from 'vitest';
import {
  EXECUTION_ID_PATTERN,
  ExecutionIdGenerator,
  isExecutionId,
} from '../../src/domain/execution-id.js';
import { formatHrTime, formatMicros, parseTimestampMillis } from '../../src/domain/timestamp.js';

describe('timestamps', () => {
  it('writes microseconds and the UTC offset', () => {
    const text = formatMicros(Date.UTC(2025, 10, 3, 19, 52, 39, 123) * 1000 + 456);
    expect(text).toMatch(/^2025-11-0\dT\d{2}:52:39\.123456[+-]\d{2}:\d{2}$/);
    expect(parseTimestampMillis(text)).toBe(Date.UTC(2025, 10, 3, 19, 52, 39, 123));
  });

  it('keeps microseconds of an OpenTelemetry HrTime', () => {
    expect(formatHrTime([1_700_000_000, 987_654_321])).toMatch(/\.987654[+-]\d{2}:\d{2}$/);
  });

  it('reads naive legacy timestamps as local time', () => {
    const naive = '2026-11-24T02:51:32.064178';
    expect(parseTimestampMillis(naive)).toBe(new Date(2026, 10, 24, 2, 51, 32, 64).getTime());
  });

  it('reads Z and offsets without a colon', () => {
    expect(parseTimestampMillis('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimestampMillis('2026-01-01T01:00:00+0100')).toBe(Date.UTC(2026, 0, 1));
    expect(parseTimestampMillis('yesterday')).toBeNaN();
  });
});

describe('execution ids', () => {
  it('formats exec_YYYYMMDD_HHMMSS_<8 hex> in local time', () => {
    const id = new ExecutionIdGenerator(0xabc).next(new Date(2026, 0, 2, 3, 4, 5));
    expect(id).toBe('exec_20260102_030405_00000abc');
    expect(EXECUTION_ID_PATTERN.test(id)).toBe(true);
  });

  it('never repeats within a process, even many ids in one second', () => {
    const gen = new ExecutionIdGenerator(0xffff_fff0);
    const at = new Date();
    const ids = Array.from({ length: 50_000 }, () => gen.next(at));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => isExecutionId(id))).toBe(true);
  });

  it('rejects traversal-looking and malformed ids', () => {
    for (const bad of [
      '../exec_20260102_030405_00000abc',
      'exec_20260102_030405_00000ABC',
      'exec_1_2_3',
      '',
      42,
    ]) {
      expect(isExecutionId(bad)).toBe(false);
    }
  });
});
