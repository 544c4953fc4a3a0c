import type { HrTime } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

/**
 * Now as an HrTime, from one monotonic clock for every span and event of the tracker (the SDK's
 * own per-span clock offsets can put a child's end a fraction of a millisecond after its parent's).
 */
export function hrNow(): HrTime {
  return hrAt(performance.now());
}

/** A reading of `performance.now()` as an HrTime on the same clock as {@link hrNow}. */
export function hrAt(monotonicMs: number): HrTime {
  const micros = Math.round((performance.timeOrigin + monotonicMs) * 1000);
  return [Math.floor(micros / 1_000_000), (micros % 1_000_000) * 1000];
}
