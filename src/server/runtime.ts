import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Express } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from '../config.js';
import { ErasureLog } from '../lifecycle/erasure-log.js';
import { startRetention } from '../lifecycle/retention-schedule.js';
import { BackendHealth } from '../pipeline/backends/backend-health.js';
import { createBackends } from '../pipeline/backends/backend-registry.js';
import { loadCatalog } from '../pipeline/catalog.js';
import { loadRubrics } from '../review/rubric-loader.js';
import { MediaWriteHealth } from '../pipeline/media-write-health.js';
import { openRecordStore, type ServerRecordStore } from '../store/open-record-store.js';
import { OtlpIngest } from '../ingest/otlp-ingest.js';
import { RecordOwnership } from '../store/record-ownership.js';
import { createTracing, type Tracing } from '../telemetry/tracing.js';
import { createApp } from './app.js';
import { SessionStore } from './auth/session-store.js';
import { tokenCheckFrom } from './auth/token-check.js';
import { backendFailureLogger } from './backend-failure-log.js';
import { startOtlpGrpc, type OtlpGrpcServer } from './otlp-grpc.js';
import { applyServerLimits } from './server-limits.js';
import { LiveItems } from './live-items.js';
import { mediaWriteFailureLogger } from './media-write-log.js';
import { traceLinks } from './trace-links.js';
import { coreDeps, recordHooks } from './wiring.js';
import { checkWritable, writablePlaces } from './writable-places.js';

const DRAIN_MILLIS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/** The wired server: store, tracing, pipeline, app; `listen` and a graceful `shutdown`. */
export interface Runtime {
  app: Express;
  tracing: Tracing;
  store: ServerRecordStore;
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

/** Builds everything the configuration names, after checking every place it writes to. */
export async function createRuntime(config: AppConfig, logger: Logger): Promise<Runtime> {
  // Refuse to start on a place that cannot be written (PlaceNotWritableError, one line in main).
  await checkWritable(writablePlaces(config));
  const store = await openRecordStore({
    databaseUrl: config.databaseUrl,
    executionsDir: config.executionsDir,
    warn: (m) => logger.warn({ component: 'store' }, m),
    file: {
      fsync: config.records.fsync,
      minFreeBytes: config.records.minFreeBytes,
      tombstoneMillis: config.records.tombstoneMillis,
    },
  });
  // One owner per record for both assemblers: ingest never writes a record the pipeline made.
  const ownership = new RecordOwnership(store);
  const catalog = await loadCatalog(config.configsDir);
  const rubrics = await loadRubrics(join(config.configsDir, 'rubrics'));
  const live = new LiveItems();
  const traceUrl = traceLinks(config.jaegerUiUrl);
  const tracing = createTracing({
    serviceName: config.serviceName,
    resourceAttributes: config.resourceAttributes,
    store,
    otlp: config.otlp,
    ...(config.genaiStudyKey ? { studyKey: config.genaiStudyKey } : {}),
    shutdownTimeoutMillis: Math.min(5_000, config.shutdownTimeoutMillis),
    record: {
      ...recordHooks(live, traceUrl, config.mediaDir),
      maxPending: config.records.maxPending,
      ownership,
    },
  });
  const ingest = config.otlpIngest
    ? new OtlpIngest({
        store,
        limits: config.ingestLimits,
        record: {
          traceUrl,
          maxPending: config.records.maxPending,
          ownership,
          // Which assembler finished which run (ids only), for deployments of several.
          onFinished: (id, status, outcome) =>
            logger.debug(
              { component: 'ingest', execution_id: id, status, record: outcome },
              'run assembled',
            ),
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
  let shuttingDown = false;
  let active = 0;
  let server: Server | undefined;
  let grpc: OtlpGrpcServer | null = null;
  const app = createApp({
    ...coreDeps({
      catalog,
      backends: createBackends(config.backends),
      store,
      tracing,
      mediaDir: config.mediaDir,
      live,
      saveWaitMillis: config.records.saveWaitMillis,
      backendHealth: new BackendHealth({ onFailure: backendFailureLogger(logger) }),
      otlpOptional: !config.otlpEndpointSet,
      mediaWrites: new MediaWriteHealth(config.mediaDir, {
        onFailure: mediaWriteFailureLogger(logger),
      }),
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
    isShuttingDown: () => shuttingDown,
    onRequest: (done) => {
      active += 1;
      void done.then(() => (active -= 1));
    },
  });
  let shutdownPromise: Promise<string[]> | undefined;
  return {
    app,
    tracing,
    store,
    async listen() {
      const s = await new Promise<Server>((resolve, reject) => {
        const s = createServer(app);
        applyServerLimits(s, config.serverLimits);
        s.once('error', reject);
        s.listen(config.port, config.host, () => {
          s.off('error', reject);
          resolve(s);
        });
        server = s;
      });
      if (ingest && config.otlpGrpcPort !== null) {
        grpc = await startOtlpGrpc({
          ingest,
          host: config.host,
          port: config.otlpGrpcPort,
          tokens: tokenCheckFrom({ tokens: config.tokens, apiToken: config.apiToken }),
          isShuttingDown: () => shuttingDown,
        });
      }
      return s;
    },
    otlpGrpc: () => grpc,
    shutdown() {
      shutdownPromise ??= (async () => {
        // 1. Refuse new requests (503, Connection: close) while running ones finish; requests
        //    still in transit on open connections arrive and are refused cleanly too.
        shuttingDown = true;
        const deadline = Date.now() + config.shutdownTimeoutMillis;
        await sleep(Math.min(DRAIN_MILLIS, config.shutdownTimeoutMillis));
        while (active > 0 && Date.now() < deadline) await sleep(20);
        // 2. Stop listening and close connections.
        await grpc?.close(Math.max(0, deadline - Date.now()));
        if (server) {
          const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
          server.closeIdleConnections();
          await Promise.race([closed, sleep(Math.max(0, deadline - Date.now()))]);
          server.closeAllConnections();
        }
        await retention?.stop();
        // 3. Flush both tracing paths and the spool (within the time left), release the store.
        const unsaved = [...(await tracing.shutdown()), ...((await ingest?.shutdown()) ?? [])];
        await store.close();
        return unsaved;
      })();
      return shutdownPromise;
    },
  };
}
