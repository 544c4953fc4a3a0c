import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { ErasureLog } from '../lifecycle/erasure-log.js';
import { startRetention } from '../lifecycle/retention-schedule.js';
import { BackendHealth } from '../pipeline/backends/backend-health.js';
import { createBackends, type Backends } from '../pipeline/backends/backend-registry.js';
import { loadCatalog } from '../pipeline/catalog.js';
import { MediaWriteHealth } from '../pipeline/media-write-health.js';
import { loadRubrics } from '../review/rubric-loader.js';
import { openRecordStore, type ServerRecordStore } from '../store/open-record-store.js';
import { RecordOwnership } from '../store/record-ownership.js';
import type { RecordStore } from '../store/record-store.js';
import { createTracing, type Tracing, type TracingOptions } from '../telemetry/tracing.js';
import { createApp, type AppDeps } from './app.js';
import { SessionStore } from './auth/session-store.js';
import { backendFailureLogger } from './backend-failure-log.js';
import { LiveItems } from './live/live-items.js';
import { mediaWriteFailureLogger } from './media-write-log.js';
import { OtlpIngest, type OtlpIngestOptions } from './otlp/otlp-ingest.js';
import type { OtlpGrpcServer } from './otlp/otlp-grpc.js';
import type { ServerConfig } from './server-config.js';
import { serverLifecycle } from './server-lifecycle.js';
import { traceLinks } from './trace-links.js';
import { coreDeps, recordHooks } from './wiring.js';
import { checkWritable, writablePlaces } from './writable-places.js';

/** What `assembleServer` builds besides what the configuration says; every field is optional. */
export interface AssemblyOptions<S extends RecordStore = ServerRecordStore> {
  /** The HTTP layer's structured logger. */
  logger: Logger;
  /** The record store; default the one the configuration names (PostgreSQL or files). */
  store?: S;
  /** The pipeline's backends; default built from `config.backends`. */
  backends?: Backends;
  /** Tracing options over the configuration's (tests: an in-memory exporter, record timings). */
  tracing?: Partial<TracingOptions>;
  /** OTLP ingest options over the configuration's (limits, record path timings). */
  ingest?: Partial<Omit<OtlpIngestOptions, 'store'>>;
  /** Live items of running runs; default a `LiveItems` with its defaults. */
  live?: LiveItems;
  /** Watches the backends' calls; default one that logs failures. */
  backendHealth?: BackendHealth;
  /** Watches media writes; default one that logs failures. */
  mediaWrites?: MediaWriteHealth;
  /** App dependencies over the assembled ones: an object, or a function of the assembled ones. */
  app?: Partial<AppDeps> | ((assembled: AppDeps) => Partial<AppDeps>);
}

/** The assembled server: its parts, `listen` and a graceful `shutdown`. */
export interface ServerAssembly<S extends RecordStore = ServerRecordStore> {
  app: Express;
  tracing: Tracing;
  store: S;
  live: LiveItems;
  /** OTLP ingest; null when `config.otlpIngest` is off. */
  ingest: OtlpIngest | null;
  mediaDir: string;
  /** Listens on `host:port`, and on `otlpGrpcPort` for OTLP/gRPC when configured. */
  listen(): Promise<Server>;
  /** The OTLP/gRPC receiver once listening; null when off. */
  otlpGrpc(): OtlpGrpcServer | null;
  /**
   * Stops accepting, lets running requests finish, flushes both tracing paths and the spool,
   * releases the store; resolves with the ids of records still unsaved. Idempotent.
   */
  shutdown(): Promise<string[]>;
}

/**
 * The one assembly of the server (config in, running parts out), used by `main`, the tests and
 * the benchmarks: checks every place it writes to, opens the store, builds tracing, ingest, the
 * pipeline's dependencies and the app. Nothing listens until `listen()`.
 */
export async function assembleServer<S extends RecordStore = ServerRecordStore>(
  config: ServerConfig,
  options: AssemblyOptions<S>,
): Promise<ServerAssembly<S>> {
  const { logger } = options;
  // Refuse to start on a place that cannot be written (PlaceNotWritableError, one line in main).
  await checkWritable(writablePlaces(config));
  const store = (options.store ??
    (await openRecordStore({
      databaseUrl: config.databaseUrl,
      executionsDir: config.executionsDir,
      warn: (m) => logger.warn({ component: 'store' }, m),
      file: {
        fsync: config.records.fsync,
        minFreeBytes: config.records.minFreeBytes,
        tombstoneMillis: config.records.tombstoneMillis,
      },
    }))) as S & ServerRecordStore;
  // One owner per record for both assemblers: ingest never writes a record the pipeline made.
  const ownership = new RecordOwnership(store);
  const catalog = await loadCatalog(config.configsDir);
  const rubrics = await loadRubrics(join(config.configsDir, 'rubrics'));
  const live = options.live ?? new LiveItems();
  const traceUrl = traceLinks(config.jaegerUiUrl);
  const tracing = createTracing({
    serviceName: config.serviceName,
    resourceAttributes: config.resourceAttributes,
    store,
    otlp: config.otlp,
    ...(config.genaiStudyKey ? { studyKey: config.genaiStudyKey } : {}),
    shutdownTimeoutMillis: Math.min(5_000, config.shutdownTimeoutMillis),
    ...options.tracing,
    record: {
      ...recordHooks(live, traceUrl, config.mediaDir),
      maxPending: config.records.maxPending,
      ownership,
      ...options.tracing?.record,
    },
  });
  const ingest = config.otlpIngest
    ? new OtlpIngest({
        store,
        limits: { ...config.ingestLimits, ...options.ingest?.limits },
        record: {
          traceUrl,
          maxPending: config.records.maxPending,
          // Which assembler finished which run (ids only), for deployments of several.
          onFinished: (id, status, outcome) =>
            logger.debug(
              { component: 'ingest', execution_id: id, status, record: outcome },
              'run assembled',
            ),
          ...options.ingest?.record,
          ownership,
        },
      })
    : null;
  const erasureLog = new ErasureLog(config.erasureLog);
  const retention =
    config.retentionDays === null
      ? null
      : startRetention(store, {
          retentionDays: config.retentionDays,
          mediaDir: config.mediaDir,
          log: erasureLog,
          onPass: (e) => {
            if (e.records_deleted > 0)
              logger.info(
                { component: 'retention', records_deleted: e.records_deleted },
                'retention pass',
              );
          },
          onError: (error) =>
            logger.error({ component: 'retention', err: error }, 'retention failed'),
        });
  const lifecycle = serverLifecycle(config, { tracing, ingest, store, retention });
  const assembled: AppDeps = {
    ...coreDeps({
      catalog,
      backends: options.backends ?? createBackends(config.backends),
      store,
      tracing,
      mediaDir: config.mediaDir,
      live,
      traceUrl,
      saveWaitMillis: config.records.saveWaitMillis,
      backendHealth:
        options.backendHealth ?? new BackendHealth({ onFailure: backendFailureLogger(logger) }),
      otlpOptional: !config.otlpEndpointSet,
      mediaWrites:
        options.mediaWrites ??
        new MediaWriteHealth(config.mediaDir, { onFailure: mediaWriteFailureLogger(logger) }),
      ingest,
    }),
    ...(ingest ? { ingest } : {}),
    pipelineEnabled: config.pipeline,
    logger,
    apiToken: config.apiToken,
    tokens: config.tokens,
    sessions: new SessionStore({ maxAgeMillis: config.sessionMaxAgeMillis }),
    allowedHosts: config.allowedHosts,
    erasureLog,
    rubrics,
    maxInputChars: config.maxInputChars,
    statsMinUsers: config.statsMinUsers,
    maxBodyBytes: config.maxBodyBytes,
    jaegerUiUrl: config.jaegerUiUrl,
    clientLimits: config.clientLimits,
    isShuttingDown: lifecycle.isShuttingDown,
    onRequest: lifecycle.onRequest,
  };
  const overrides =
    typeof options.app === 'function' ? options.app(assembled) : (options.app ?? {});
  const app = createApp({ ...assembled, ...overrides });
  return {
    app,
    tracing,
    store,
    live,
    ingest,
    mediaDir: config.mediaDir,
    listen: () => lifecycle.listen(app),
    otlpGrpc: lifecycle.otlpGrpc,
    shutdown: lifecycle.shutdown,
  };
}
