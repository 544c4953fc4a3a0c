/**
 * Fixed log-scale buckets of durations in whole microseconds, mergeable by adding counts (the
 * study overview's stage percentiles, on both stores and in the PostgreSQL rollup). Below
 * 64 µs a bucket is one value; above, each power of two is cut into 32 equal buckets, so a
 * bucket's midpoint is within 1/64 (1.6 %) of any value in it.
 * NOTE: `stats_bucket` in `src/store/postgres/rollup-migration.ts` is the same function in SQL.
 */
export const SUB_BUCKET_BITS = 5;
const SUB = 2 ** SUB_BUCKET_BITS;

/** The number of bits of a non-negative integer (0 for 0). */
function bitLength(v: number): number {
  return v < 2 ** 31 ? 32 - Math.clz32(v) : v.toString(2).length;
}

/** The bucket of a duration (whole microseconds, not negative). */
export function durationBucket(micros: number): number {
  const v = Math.max(0, Math.round(micros));
  if (v < 2 * SUB) return v;
  const shift = bitLength(v) - (SUB_BUCKET_BITS + 1);
  return shift * SUB + Math.floor(v / 2 ** shift);
}

/** The value a bucket stands for: the midpoint of the whole microseconds in it. */
export function bucketValue(bucket: number): number {
  if (bucket < 2 * SUB) return bucket;
  const shift = Math.floor(bucket / SUB) - 1;
  const top = bucket - shift * SUB;
  return top * 2 ** shift + (2 ** shift - 1) / 2;
}

/**
 * The `p` quantile of the values in `counts` (bucket → count), each value taken as its
 * bucket's midpoint, interpolated between the closest ranks as `percentile_cont` does: within
 * 1.6 % of the exact quantile. Null without values.
 */
export function histogramPercentile(counts: ReadonlyMap<number, number>, p: number): number | null {
  const buckets = [...counts].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = buckets.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const position = p * (total - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const at = (rank: number): number => {
    let seen = 0;
    for (const [bucket, n] of buckets) {
      seen += n;
      if (rank < seen) return bucketValue(bucket);
    }
    return bucketValue(buckets.at(-1)![0]);
  };
  const first = at(lo);
  return lo === hi ? first : first + (at(hi) - first) * (position - lo);
}
