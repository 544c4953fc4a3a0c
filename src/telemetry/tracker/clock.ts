import type { HrTime } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

/**
 * Now as an HrTime, from one monotonic clock for every span and event of the tracker (the SDK's
 * own per-span clock offsets can put a child's end a fraction of a millisecond after its parent's).
 */
export function hrNow(): HrTime {
  const micros = Math.round((performance.timeOrigin + performance.now()) * 1000);
  return [Math.floor(micros / 1_000_000), (micros % 1_000_000) * 1000];
}
