import type { OtlpIngestStats } from './otlp/otlp-ingest.js';
import type { StoreSpace } from '../store/file-record-store.js';
import type { RecordStore, StoreStats } from '../store/record-store.js';
import type { RecordExporterStats } from '../telemetry/record/execution-record-exporter.js';
import type { OtlpStats } from '../telemetry/otlp/otlp-path.js';
import type { BackendHealthReport } from '../pipeline/backends/backend-health.js';
import type { MediaWriteReport } from '../pipeline/media-write-health.js';
import { withoutPaths } from './redact-paths.js';

/** What `/health` reads. */
export interface HealthSources {
  store: RecordStore & { probeWritable?(): Promise<void>; space?(): Promise<StoreSpace> };
  recordPath: () => RecordExporterStats;
  otlp: (() => OtlpStats) | null;
  /**
   * True when no one asked for a collector (the default endpoint): its failing export is a note
   * in the report, not `degraded`. Default false.
   */
  otlpOptional?: boolean;
  /** Each backend's last success and failure; none: not shown. */
  backends?: { report(): BackendHealthReport; failing(): boolean };
  /** Writes of media under the media folder; none: not shown. */
  media?: { report(): MediaWriteReport; failing(): boolean };
  /** OTLP ingest (`POST /v1/traces`): its counters and its record path; none: not shown. */
  ingest?: () => OtlpIngestStats;
  /** Live streams held and asynchronous runs going, waiting and refused; none: not shown. */
  clients?: () => Record<string, unknown>;
}

/** What `/health` says when the default collector does not answer. */
export const OTLP_OPTIONAL_NOTE =
  'no collector answers at the default endpoint: traces are not shipped, records are kept; start one (docs/jaeger-local.md), set OTEL_EXPORTER_OTLP_ENDPOINT to require one, or OTEL_TRACES_EXPORTER=none';

async function attempt<T>(fn: () => Promise<T> | undefined): Promise<[T | null, string | null]> {
  try {
    return [(await fn()) ?? null, null];
  } catch (error) {
    return [null, (error as Error).message];
  }
}

/**
 * The health report: `degraded` while the store refuses writes or runs low on space, while
 * records wait in the spool, while the OTLP export or the last media write fails; the store
 * probe (default `store.probeWritable`) writes real bytes.
 */
export async function healthReport(
  sources: HealthSources,
  probe: () => Promise<void> | undefined = () => sources.store.probeWritable?.(),
) {
  const [, probeError] = await attempt(probe);
  const [stats, statsError] = await attempt<StoreStats>(() => sources.store.stats());
  const [space] = await attempt(() => sources.store.space?.());
  const recordStats = sources.recordPath();
  const recordPath = { ...recordStats, last_error: withoutPaths(recordStats.last_error) };
  const otlp = sources.otlp?.() ?? null;
  const ingest = sources.ingest?.() ?? null;
  const writable = probeError === null;
  const degraded =
    !writable ||
    recordPath.pending > 0 ||
    (ingest?.record_path.pending ?? 0) > 0 ||
    (space?.low_space ?? false) ||
    (otlp !== null && otlp.state === 'failing' && !sources.otlpOptional) ||
    !!sources.backends?.failing() ||
    !!sources.media?.failing();
  return {
    status: degraded ? ('degraded' as const) : ('ok' as const),
    store: {
      writable,
      error: withoutPaths(probeError ?? statsError),
      records: stats?.records ?? null,
      unreadable_files: stats?.unreadable ?? null,
      free_bytes: space?.free_bytes ?? null,
      low_space: space?.low_space ?? null,
    },
    record_path: recordPath,
    otlp: otlp
      ? {
          enabled: true,
          ...otlp,
          ...(sources.otlpOptional && otlp.state === 'failing' ? { note: OTLP_OPTIONAL_NOTE } : {}),
        }
      : { enabled: false },
    ...(sources.backends ? { backends: sources.backends.report() } : {}),
    ...(sources.clients ? { clients: sources.clients() } : {}),
    ...(sources.media ? { media_writes: sources.media.report() } : {}),
    ...(ingest
      ? {
          ingest: {
            ...ingest,
            record_path: {
              ...ingest.record_path,
              last_error: withoutPaths(ingest.record_path.last_error),
            },
          },
        }
      : {}),
  };
}
