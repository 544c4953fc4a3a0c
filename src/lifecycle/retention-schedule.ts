import type { RecordStore } from '../store/record-store.js';
import type { ErasureEntry } from './erasure-log.js';
import { applyRetention, type RetentionOptions } from './retention.js';

/** Options of `startRetention`. */
export interface RetentionScheduleOptions extends RetentionOptions {
  /** Time between passes; default 3,600,000 ms (hourly). The first pass runs at start. */
  intervalMillis?: number;
  /** Told of each finished pass. */
  onPass?: (entry: ErasureEntry) => void;
  /** Told of a failed pass; the schedule goes on. */
  onError?: (error: unknown) => void;
}

/** A running retention schedule. */
export interface RetentionSchedule {
  /** Runs a pass now (after the one under way, if any). */
  runNow(): Promise<ErasureEntry>;
  /** Stops the timer and waits for a pass under way. Idempotent. */
  stop(): Promise<void>;
}

/** Applies retention at start and then every `intervalMillis`; passes never overlap. */
export function startRetention(
  store: RecordStore,
  options: RetentionScheduleOptions,
): RetentionSchedule {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const runNow = (): Promise<ErasureEntry> => {
    const pass = running.then(() => applyRetention(store, options));
    running = pass.then(
      (entry) => options.onPass?.(entry),
      (error: unknown) => options.onError?.(error),
    );
    return pass;
  };
  const tick = () => {
    if (!stopped) runNow().catch(() => {}); // reported through onError
  };
  const timer = setInterval(tick, options.intervalMillis ?? 3_600_000);
  timer.unref();
  tick();
  return {
    runNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
