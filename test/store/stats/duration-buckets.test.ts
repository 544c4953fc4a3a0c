import { describe, expect, it } from 'vitest';
import {
  bucketValue,
  durationBucket,
  histogramPercentile,
} from '../../../src/store/stats/duration-buckets.js';
import { percentileCont } from '../../../src/query/stats/raw-stats.js';
import { seeded } from '../../helpers/study-records.js';

describe('duration buckets', () => {
  it('keeps values under 64 µs exact and numbers buckets without gaps or overlaps', () => {
    for (let v = 0; v < 64; v += 1) expect(durationBucket(v)).toBe(v);
    let last = durationBucket(63);
    const steps: number[] = [];
    for (let v = 64; v < 70_000; v += 1) {
      const b = durationBucket(v);
      if (b !== last && b !== last + 1) steps.push(v);
      last = b;
    }
    expect(steps).toEqual([]);
  });

  it('stands for every value of a bucket within 1/64 (1.6 %), up to 2^53 µs', () => {
    const random = seeded(3);
    const far: number[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const v = Math.floor(2 ** (random() * 53));
      if (Math.abs(bucketValue(durationBucket(v)) - v) > v / 64) far.push(v);
    }
    expect(far).toEqual([]);
  });

  it('reads percentiles within 1.6 % of the exact percentile_cont', () => {
    const random = seeded(5);
    const values = Array.from({ length: 2_001 }, () => Math.round(random() ** 3 * 5e6));
    const counts = new Map<number, number>();
    for (const v of values) counts.set(durationBucket(v), (counts.get(durationBucket(v)) ?? 0) + 1);
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [0.5, 0.95]) {
      const exact = percentileCont(sorted, p);
      expect(Math.abs(histogramPercentile(counts, p)! - exact)).toBeLessThanOrEqual(exact / 64);
    }
    expect(histogramPercentile(new Map(), 0.5)).toBeNull();
    expect(histogramPercentile(new Map([[10, 1]]), 0.95)).toBe(10);
  });
});
