import { durationBucket, histogramPercentile } from '../../store/stats/duration-buckets.js';
import type { CellCount, RawStats } from './raw-stats.js';

/** Runs in one duration bucket of one stage, as the SQL of both PostgreSQL paths gives them. */
export interface BucketRow {
  stage: number;
  bucket: number;
  count: number;
}

/** Per-stage histograms, built from durations or from bucket rows. */
export class StageHistograms {
  private readonly byStage = new Map<number, Map<number, number>>();

  addBucket(stage: number, bucket: number, count: number): void {
    let counts = this.byStage.get(stage);
    if (!counts) this.byStage.set(stage, (counts = new Map()));
    counts.set(bucket, (counts.get(bucket) ?? 0) + count);
  }

  addMicros(stage: number, micros: number): void {
    this.addBucket(stage, durationBucket(micros), 1);
  }

  /** The stage rows with p50 and p95 read from the histograms (within 1.6 %). */
  stages(cells: readonly (CellCount & { stage: number })[]): RawStats['stages'] {
    return cells.map((c) => {
      const counts = this.byStage.get(c.stage) ?? new Map<number, number>();
      return {
        stage: c.stage,
        runs: c.runs,
        users: c.users,
        p50: histogramPercentile(counts, 0.5) ?? 0,
        p95: histogramPercentile(counts, 0.95) ?? 0,
      };
    });
  }

  static of(rows: readonly BucketRow[]): StageHistograms {
    const h = new StageHistograms();
    for (const r of rows) h.addBucket(Number(r.stage), Number(r.bucket), Number(r.count));
    return h;
  }
}
