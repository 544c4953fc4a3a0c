import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OtlpIngest } from './otlp/otlp-ingest.js';
import type { BackendHealth } from '../pipeline/backends/backend-health.js';
import type { Backends } from '../pipeline/backends/backend-registry.js';
import type { Catalog } from '../pipeline/catalog.js';
import type { MediaWriteHealth } from '../pipeline/media-write-health.js';
import type { HealthSources } from './health.js';
import type { ExecutionRecordExporterOptions } from '../telemetry/record/execution-record-exporter.js';
import type { Tracing } from '../telemetry/tracing.js';
import type { AppDeps } from './app.js';
import type { LiveItems } from './live/live-items.js';

/** The record path's hooks for the server: trace links, live streams ended with the final save, media of deleted runs removed. */
export function recordHooks(
  live: LiveItems,
  traceUrl: (traceId: string) => string | null,
  mediaDir?: string,
): Pick<ExecutionRecordExporterOptions, 'traceUrl' | 'onFinished' | 'onDiscardedRunEnded'> {
  return {
    traceUrl,
    onFinished: (id, status) => live.end(id, status),
    // Media written after a run was deleted go too.
    onDiscardedRunEnded: (id) => {
      if (mediaDir) void rm(join(mediaDir, id), { recursive: true, force: true }).catch(() => {});
    },
  };
}

/** The parts of `AppDeps` that connect the pipeline, the store and tracing. */
export function coreDeps(parts: {
  catalog: Catalog;
  backends: Backends;
  store: HealthSources['store'];
  tracing: Tracing;
  mediaDir: string;
  live: LiveItems;
  /** Links to a trace in Jaeger's UI, built once by the assembly. */
  traceUrl: (traceId: string) => string | null;
  /** How long an answer waits for its record's save before it says `pending`; default 5,000 ms. */
  saveWaitMillis?: number;
  /** Watches the backends' calls for logs and `/health`; default none. */
  backendHealth?: BackendHealth;
  /** OTLP ingest, for `/health`; default none. */
  ingest?: OtlpIngest | null;
  /** The OTLP endpoint is the default one nobody asked for (see `HealthSources`); default false. */
  otlpOptional?: boolean;
  /** Watches media writes for logs and `/health`; default none. */
  mediaWrites?: MediaWriteHealth;
}): Pick<
  AppDeps,
  'pipeline' | 'health' | 'live' | 'records' | 'store' | 'mediaDir' | 'catalog' | 'traceUrl'
> {
  const { tracing, live, backendHealth, store, mediaDir, catalog } = parts;
  return {
    store,
    mediaDir,
    catalog,
    traceUrl: parts.traceUrl,
    pipeline: {
      catalog,
      backends: backendHealth ? backendHealth.wrap(parts.backends) : parts.backends,
      startRun: tracing.startRun,
      mediaDir,
      ...(parts.mediaWrites ? { mediaWrites: parts.mediaWrites } : {}),
      onItem: live.onItem,
      onRunStart: live.onRunStart,
      firstSave: (id: string) => tracing.assembler.whenStarted(id, parts.saveWaitMillis),
    },
    health: {
      store,
      recordPath: () => tracing.assembler.stats(),
      otlp: tracing.otlp ? () => tracing.otlp!.stats() : null,
      ...(parts.otlpOptional ? { otlpOptional: true } : {}),
      ...(backendHealth ? { backends: backendHealth } : {}),
      ...(parts.mediaWrites ? { media: parts.mediaWrites } : {}),
      ...(parts.ingest ? { ingest: () => parts.ingest!.stats() } : {}),
    },
    live,
    records: {
      whenSaved: (id) => tracing.assembler.whenSaved(id, parts.saveWaitMillis),
      whenStarted: (id) => tracing.assembler.whenStarted(id, parts.saveWaitMillis),
      // Delete and erasure reach every assembler, so a run open in either never comes back.
      discard: async (id) => {
        await Promise.all([tracing.assembler.discard(id), parts.ingest?.assembler.discard(id)]);
      },
      pendingIds: (subject) => [
        ...tracing.assembler.pendingIds(subject),
        ...(parts.ingest?.assembler.pendingIds(subject) ?? []),
      ],
    },
  };
}
