import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.js';
import {
  createBackends,
  OFFLINE_BACKENDS,
  type BackendSettings,
} from '../../src/pipeline/backends/backend-registry.js';
import type { BackendHealth } from '../../src/pipeline/backends/backend-health.js';
import type { MediaWriteHealth } from '../../src/pipeline/media-write-health.js';
import type { AppDeps } from '../../src/server/app.js';
import { assembleServer } from '../../src/server/assembly.js';
import { LiveItems } from '../../src/server/live/live-items.js';
import type { OtlpIngestOptions } from '../../src/server/otlp/otlp-ingest.js';
import type { ServerConfig } from '../../src/server/server-config.js';
import type { FileRecordStore } from '../../src/store/file-record-store.js';
import type { RecordStore } from '../../src/store/record-store.js';
import type { TracingOptions } from '../../src/telemetry/tracing.js';
import { afterTest, isTempPath, tempDir } from './temp-dir.js';

export const CONFIGS_DIR = fileURLToPath(new URL('../../configs/', import.meta.url));

/**
 * The server's configuration for a test: records and media under `dir`, the repository's
 * configs, no OTLP export, trace links to `http://jaeger.test`, OTLP ingest off; `env` on top.
 */
export function testConfig(dir: string, env: Record<string, string> = {}): ServerConfig {
  return loadConfig({
    EXECUTIONS_DIR: join(dir, 'executions'),
    MEDIA_DIR: join(dir, 'media'),
    CONFIGS_DIR,
    OTEL_TRACES_EXPORTER: 'none',
    JAEGER_UI_URL: 'http://jaeger.test',
    OTLP_INGEST: 'off',
    ...env,
  });
}

/**
 * The production assembly (`assembleServer`) on a temp-dir store and media dir, real tracing
 * with an in-memory exporter beside the record path, offline backends by default. A server in
 * a temp dir is shut down after the current test (its store closed before the dir goes).
 */
export async function testApp<S extends RecordStore = FileRecordStore>(
  options: {
    backends?: BackendSettings;
    app?: Partial<AppDeps>;
    tracing?: Partial<TracingOptions>;
    /**
     * Directory for the store and media; default a temp dir removed after the current test.
     * Outside the temp dirs (a suite's own), the caller shuts the server down.
     */
    dir?: string;
    backendHealth?: BackendHealth;
    mediaWrites?: MediaWriteHealth;
    /** The store; default a file store in `dir`. */
    store?: S;
    /** Also serve OTLP ingest (`POST /v1/traces`), sharing the store and record ownership. */
    ingest?: Partial<Omit<OtlpIngestOptions, 'store'>>;
    /** Environment variables over `testConfig`'s. */
    env?: Record<string, string>;
  } = {},
) {
  const dir = options.dir ?? (await tempDir());
  const config = testConfig(dir, {
    ...(options.ingest ? { OTLP_INGEST: 'on' } : {}),
    ...options.env,
  });
  const memory = new InMemorySpanExporter();
  const server = await assembleServer<S>(config, {
    logger: options.app?.logger ?? pino({ level: 'silent' }),
    ...(options.store ? { store: options.store } : {}),
    backends: createBackends(options.backends ?? OFFLINE_BACKENDS),
    live: new LiveItems(1_000),
    tracing: {
      ...options.tracing,
      extraProcessors: [
        new SimpleSpanProcessor(memory),
        ...(options.tracing?.extraProcessors ?? []),
      ],
    },
    ...(options.ingest ? { ingest: options.ingest } : {}),
    ...(options.backendHealth ? { backendHealth: options.backendHealth } : {}),
    ...(options.mediaWrites ? { mediaWrites: options.mediaWrites } : {}),
    app: options.app ?? {},
  });
  if (isTempPath(dir)) afterTest(() => server.shutdown());
  return { ...server, memory, dir };
}
