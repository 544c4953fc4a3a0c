import express, { type Express } from 'express';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { Catalog } from '../pipeline/catalog.js';
import type { PipelineDeps } from '../pipeline/pipeline-runner.js';
import { DEFAULT_CLIENT_LIMITS, type ClientLimits } from './client-limits.js';
import { PerClientLimit } from './per-client-limit.js';
import { RunQueue } from './run-queue.js';
import { accessContext, requires } from './auth/access-guard.js';
import { authenticate } from './auth/authenticate.js';
import { SessionStore } from './auth/session-store.js';
import type { TokenEntry } from './auth/token-entries.js';
import { tokenCheckFrom } from './auth/token-check.js';
import { errorHandler, notFound } from './error-handler.js';
import { HttpError } from './http-error.js';
import type { HealthSources } from './health.js';
import { hostAllowlist, type AllowedHosts } from './host-allowlist.js';
import { ErasureLog } from '../lifecycle/erasure-log.js';
import type { LiveItems } from './live/live-items.js';
import { requestLog } from './request-log.js';
import type { RecordPath } from './record-path.js';
import { erasureRouter } from './routes/erasure-routes.js';
import { annotationsRouter } from './routes/annotation-routes.js';
import { reviewRouter } from './routes/review-routes.js';
import type { Rubrics } from '../review/rubric.js';
import { hasAnnotations } from '../store/annotation-store.js';
import { executionsRouter } from './routes/executions-routes.js';
import { healthRouter } from './routes/health-routes.js';
import { pipelineOffRouter, pipelineRouter } from './routes/pipeline-routes.js';
import { otlpRouter } from './otlp/otlp-routes.js';
import type { OtlpIngest } from './otlp/otlp-ingest.js';
import { configsRouter } from './routes/configs-routes.js';
import { traceViewerRouter } from './routes/trace-viewer-routes.js';
import { JaegerUiStatus } from './jaeger-ui-status.js';
import { sessionRouter } from './routes/session-routes.js';
import { statsRouter } from './routes/stats-routes.js';
import { webAssets } from './web-assets.js';

/** What the HTTP app is built from. */
export interface AppDeps {
  pipeline: PipelineDeps;
  health: HealthSources;
  /** The record store (the one `/health` probes). */
  store: HealthSources['store'];
  /** Root of the media files (`<mediaDir>/<execution_id>/`). */
  mediaDir: string;
  /** The pipeline configs (interception, outputs, safety). */
  catalog: Catalog;
  /** Links to a trace in Jaeger's UI (`traceLinks(jaegerUiUrl)`); null: no link. */
  traceUrl: (traceId: string) => string | null;
  live: LiveItems;
  records: RecordPath;
  logger: Logger;
  /**
   * The single shared token of earlier versions: an admin token. With no token at all (neither
   * this nor `tokens`) the API is open (loopback only, enforced by config).
   */
  apiToken?: string;
  /** Hashed tokens with roles (viewer, reviewer, admin, ingest); default none. */
  tokens?: readonly TokenEntry[];
  /** Browser sessions (`POST /api/session`); default an in-memory store, 12 h sessions. */
  sessions?: SessionStore;
  /** Default 2,000. */
  maxInputChars?: number;
  /** Default 64 KiB. */
  maxBodyBytes?: number;
  /** Jaeger UI base URL for trace links; null: no links. */
  jaegerUiUrl?: string | null;
  /** Whether Jaeger's UI answers, for the web view; default checked at `jaegerUiUrl`. */
  jaegerUi?: JaegerUiStatus;
  /** Host names answered besides loopback (others get 421); `*`: any. Default: loopback only. */
  allowedHosts?: AllowedHosts;
  /** The rubrics reviewers judge runs by (`configs/rubrics/`); default none. */
  rubrics?: Rubrics;
  /** Where erasures are logged; default `erasure-log.jsonl` beside the media directory. */
  erasureLog?: ErasureLog;
  /** True once the server is shutting down: new requests get 503 and `Connection: close`. */
  isShuttingDown?: () => boolean;
  /** Told of each request; `done` settles when its response is finished or aborted. */
  onRequest?: (done: Promise<void>) => void;
  /** Told of each asynchronous run; `done` settles when it ends. Default: `onRequest`. */
  onBackgroundRun?: (done: Promise<void>) => void;
  /** Heartbeat interval of event streams; default 15,000 ms. */
  sseHeartbeatMillis?: number;
  /** Built web view (`web/dist/`); default found next to the sources. */
  webDir?: string;
  /** OTLP ingest (`POST /v1/traces`, behind the token when one is set); none: not served. */
  ingest?: OtlpIngest;
  /** False for a record service: records, API, exports, streams and ingest, no pipeline. */
  pipelineEnabled?: boolean;
  /** Distinct users a cell of the study overview (`GET /api/stats`) needs; default 5. */
  statsMinUsers?: number;
  /** Live streams per client and asynchronous runs; default `DEFAULT_CLIENT_LIMITS`. */
  clientLimits?: Partial<ClientLimits>;
}

/** Builds the Express app (does not listen). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const { traceUrl } = deps;
  const limits = { ...DEFAULT_CLIENT_LIMITS, ...deps.clientLimits };
  const asyncQueue = new RunQueue(limits.asyncRunsRunning, limits.asyncRunsQueued);
  const streamLimit = new PerClientLimit(limits.liveStreamsPerClient);
  const tokens = tokenCheckFrom({ tokens: deps.tokens, apiToken: deps.apiToken });
  const json = express.json({
    limit: deps.maxBodyBytes ?? 64 * 1024,
    type: ['application/json', 'application/*+json'],
  });
  app.use(requestLog(deps.logger));
  app.use(hostAllowlist(deps.allowedHosts));
  app.use((_req, res, next) => {
    deps.onRequest?.(new Promise<void>((resolve) => res.once('close', resolve)));
    next();
  });
  app.use((_req, res, next) => {
    if (!deps.isShuttingDown?.()) return next();
    res.set('connection', 'close');
    next(new HttpError(503, 'shutting_down', 'the server is shutting down'));
  });
  const clients = () => ({ live_streams: streamLimit.stats(), async_runs: asyncQueue.stats() });
  // Who the caller is (bearer token or session cookie); each route's guard decides (roles.ts).
  const sessions = deps.sessions ?? new SessionStore();
  app.use(authenticate(tokens, sessions));
  app.use(healthRouter({ health: { ...deps.health, clients } }));
  app.use(webAssets(deps.webDir));
  // OTLP bodies are read by the ingest router itself (its own size limit, gzip, protobuf).
  if (deps.ingest) app.use(otlpRouter({ ingest: deps.ingest, tokens, logger: deps.logger }));
  // Bodies are parsed only for a known caller (or on an open server): the guard refuses the rest.
  app.use((req, res, next) => {
    const { principal, open } = accessContext(res);
    if (principal || open) return json(req, res, next);
    next();
  });
  app.use(
    deps.pipelineEnabled === false
      ? pipelineOffRouter()
      : pipelineRouter({
          pipeline: deps.pipeline,
          maxInputChars: deps.maxInputChars ?? 2_000,
          traceUrl,
          records: deps.records,
          background: deps.onBackgroundRun ?? deps.onRequest,
          asyncQueue,
        }),
  );
  app.use(sessionRouter(sessions));
  app.use(configsRouter(deps.catalog));
  app.use(
    traceViewerRouter(deps.jaegerUi ?? new JaegerUiStatus({ url: deps.jaegerUiUrl ?? null })),
  );
  app.use(
    erasureRouter({
      store: deps.store,
      mediaDir: deps.mediaDir,
      discard: deps.records.discard,
      pendingIds: deps.records.pendingIds,
      log: deps.erasureLog ?? new ErasureLog(join(dirname(deps.mediaDir), 'erasure-log.jsonl')),
      open: tokens.open,
    }),
  );
  // Review: rubrics, annotations and agreement, on a store that keeps annotations.
  const { store } = deps;
  if (hasAnnotations(store)) {
    const rubrics = deps.rubrics ?? new Map();
    app.use(reviewRouter({ store, rubrics }));
    app.use(annotationsRouter({ store, rubrics }));
  }
  app.use(
    statsRouter({
      store: deps.store,
      minUsers: deps.statsMinUsers,
      categories: deps.catalog.categories,
    }),
  );
  const executions = {
    store: deps.store,
    live: deps.live,
    records: deps.records,
    mediaDir: deps.mediaDir,
    traceUrl,
    configs: deps.catalog.interception,
    heartbeatMillis: deps.sseHeartbeatMillis,
    streamLimit,
    rubrics: deps.rubrics,
  };
  app.use('/api/executions', executionsRouter(executions));
  app.use('/api/runs', executionsRouter({ ...executions, flavor: 'legacy', logger: deps.logger }));
  // Paths under /api that no route answers: 401 for an unknown caller, then 404.
  app.use('/api', requires('viewer'));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
