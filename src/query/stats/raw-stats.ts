/** Runs and distinct users of one cell of a breakdown, as a store counts them. */
export interface CellCount {
  runs: number;
  /** Distinct user ids among the cell's runs (for k-anonymity; never an id). */
  users: number;
}

/**
 * What a store aggregates for the study overview, before k-anonymity and rounding: every
 * cell of the finished runs with its runs and distinct users, in no particular order. Both
 * stores produce exactly these numbers for the same records (durations and similarities are
 * integers, so sums are exact; percentiles are read from the same duration buckets, see
 * `duration-buckets.ts`).
 */
export interface RawStats {
  total: CellCount & { blocked: number };
  /** Runs per local calendar day (`YYYY-MM-DD`) and config. */
  perDay: (CellCount & { day: string; config: string })[];
  byLevel: (CellCount & { level: string; blocked: number })[];
  byConfig: (CellCount & { config: string; blocked: number })[];
  /** Blocked runs (`runs`) per stage and category of their first block. */
  byCategory: (CellCount & { stage: number; category: string })[];
  /** Per stage 1–4: runs timed in it and percentiles of their microseconds. */
  stages: (CellCount & { stage: number; p50: number; p95: number })[];
  /** Per media type: output items, and the runs (`runs`) with at least one. */
  outputs: (CellCount & { mediaType: string; outputs: number })[];
  /** Per Stille Post iteration: runs with a similarity and its sum in millionths. */
  drift: (CellCount & { iteration: number; similaritySum: number })[];
}

/**
 * The `p` quantile of ascending `sorted` values by linear interpolation between the closest
 * ranks, computed as PostgreSQL's `percentile_cont` does (the exact reference the bucketed
 * percentiles are held to).
 */
export function percentileCont(sorted: readonly number[], p: number): number {
  const position = p * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.ceil(position);
  const first = sorted[lo]!;
  if (lo === hi) return first;
  return first + (sorted[hi]! - first) * (position - lo);
}
