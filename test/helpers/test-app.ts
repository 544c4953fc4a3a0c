import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { fileURLToPath } from 'node:url';
import {
  createBackends,
  OFFLINE_BACKENDS,
  type BackendSettings,
} from '../../src/pipeline/backends/backend-registry.js';
import type { BackendHealth } from '../../src/pipeline/backends/backend-health.js';
import { loadCatalog } from '../../src/pipeline/catalog.js';
import { loadRubrics } from '../../src/review/rubric-loader.js';
import type { MediaWriteHealth } from '../../src/pipeline/media-write-health.js';
import { createApp, type AppDeps } from '../../src/server/app.js';
import { LiveItems } from '../../src/server/live/live-items.js';
import { coreDeps, recordHooks } from '../../src/server/wiring.js';
import { OtlpIngest, type OtlpIngestOptions } from '../../src/server/otlp/otlp-ingest.js';
import { FileRecordStore } from '../../src/store/file-record-store.js';
import { RecordOwnership } from '../../src/store/record-ownership.js';
import type { RecordStore } from '../../src/store/record-store.js';
import { createTracing, type TracingOptions } from '../../src/telemetry/tracing.js';
import { tempDir } from './temp-dir.js';

export const CONFIGS_DIR = fileURLToPath(new URL('../../configs/', import.meta.url));

/** `createApp()` on a temp-dir store and media dir, real tracing, offline backends by default. */
export async function testApp<S extends RecordStore = FileRecordStore>(
  options: {
    backends?: BackendSettings;
    app?: Partial<AppDeps>;
    tracing?: Partial<TracingOptions>;
    /** Directory for the store and media; default a temp dir removed after the current test. */
    dir?: string;
    backendHealth?: BackendHealth;
    mediaWrites?: MediaWriteHealth;
    /** The store; default a file store in `dir`. */
    store?: S;
    /** Also serve OTLP ingest (`POST /v1/traces`), sharing the store and record ownership. */
    ingest?: Omit<OtlpIngestOptions, 'store'>;
  } = {},
) {
  const dir = options.dir ?? (await tempDir());
  const store =
    options.store ?? ((await FileRecordStore.open(join(dir, 'executions'))) as RecordStore as S);
  const ownership = new RecordOwnership(store);
  const mediaDir = join(dir, 'media');
  const live = new LiveItems(1_000);
  const memory = new InMemorySpanExporter();
  const tracing = createTracing({
    store,
    ...options.tracing,
    record: {
      ...recordHooks(live, (t) => `http://jaeger.test/trace/${t}`, mediaDir),
      ownership,
      ...options.tracing?.record,
    },
    extraProcessors: [new SimpleSpanProcessor(memory)],
  });
  const ingest = options.ingest
    ? new OtlpIngest({ ...options.ingest, store, record: { ...options.ingest.record, ownership } })
    : null;
  const catalog = await loadCatalog(CONFIGS_DIR);
  const app = createApp({
    ...coreDeps({
      catalog,
      backends: createBackends(options.backends ?? OFFLINE_BACKENDS),
      store,
      tracing,
      mediaDir,
      live,
      backendHealth: options.backendHealth,
      mediaWrites: options.mediaWrites,
      ingest,
    }),
    ...(ingest ? { ingest } : {}),
    logger: pino({ level: 'silent' }),
    jaegerUiUrl: 'http://jaeger.test',
    rubrics: await loadRubrics(join(CONFIGS_DIR, 'rubrics')),
    ...options.app,
  });
  return { app, store, tracing, memory, mediaDir, dir, live, ingest };
}
