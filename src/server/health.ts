import type { RecordStore, StoreStats } from '../store/record-store.js';
import type { RecordExporterStats } from '../telemetry/execution-record-exporter.js';
import type { OtlpStats } from '../telemetry/otlp-path.js';
import type { BackendHealthReport } from '../pipeline/backends/backend-health.js';
import { withoutPaths } from './redact-paths.js';

/** What `/health` reads. */
export interface HealthSources {
  store: RecordStore & { probeWritable?(): Promise<void> };
  recordPath: () => RecordExporterStats;
  otlp: (() => OtlpStats) | null;
  /** Each backend's last success and failure; none: not shown. */
  backends?: { report(): BackendHealthReport; failing(): boolean };
}

/** The health report: store writable, record path, OTLP export state with dropped spans. */
export async function healthReport(sources: HealthSources) {
  let writable = true;
  let storeError: string | null = null;
  let stats: StoreStats | null = null;
  try {
    await sources.store.probeWritable?.();
  } catch (error) {
    writable = false;
    storeError = withoutPaths((error as Error).message);
  }
  try {
    stats = await sources.store.stats();
  } catch (error) {
    storeError ??= withoutPaths((error as Error).message);
  }
  const recordStats = sources.recordPath();
  const recordPath = { ...recordStats, last_error: withoutPaths(recordStats.last_error) };
  const otlp = sources.otlp?.() ?? null;
  const degraded =
    !writable || (otlp !== null && otlp.state === 'failing') || !!sources.backends?.failing();
  return {
    status: writable ? (degraded ? 'degraded' : 'ok') : 'failing',
    store: {
      writable,
      error: storeError,
      records: stats?.records ?? null,
      unreadable_files: stats?.unreadable ?? null,
    },
    record_path: recordPath,
    otlp: otlp ? { enabled: true, ...otlp } : { enabled: false },
    ...(sources.backends ? { backends: sources.backends.report() } : {}),
  };
}
