import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { PipelineDeps } from '../pipeline/pipeline-runner.js';
import { bearerAuth } from './auth.js';
import { errorHandler, notFound } from './error-handler.js';
import { HttpError } from './http-error.js';
import { healthReport, type HealthSources } from './health.js';
import type { LiveItems } from './live-items.js';
import { requestLog } from './request-log.js';
import { traceLinks } from './wiring.js';
import { executionsRouter } from './routes/executions-routes.js';
import { pipelineRouter } from './routes/pipeline-routes.js';

/** What the HTTP app is built from. */
export interface AppDeps {
  pipeline: PipelineDeps;
  health: HealthSources;
  live: LiveItems;
  logger: Logger;
  /** Bearer token every API request must carry; none: open (loopback only, enforced by config). */
  apiToken?: string;
  /** Default 2,000. */
  maxInputChars?: number;
  /** Default 64 KiB. */
  maxBodyBytes?: number;
  /** Jaeger UI base URL for trace links; null: no links. */
  jaegerUiUrl?: string | null;
  /** True once the server is shutting down: new requests get 503 and `Connection: close`. */
  isShuttingDown?: () => boolean;
  /** Told of each request; `done` settles when its response is finished or aborted. */
  onRequest?: (done: Promise<void>) => void;
}

/** Builds the Express app (does not listen). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const traceUrl = traceLinks(deps.jaegerUiUrl);
  app.use(requestLog(deps.logger));
  app.use((_req, res, next) => {
    deps.onRequest?.(new Promise<void>((resolve) => res.once('close', resolve)));
    next();
  });
  app.use((_req, res, next) => {
    if (!deps.isShuttingDown?.()) return next();
    res.set('connection', 'close');
    next(new HttpError(503, 'shutting_down', 'the server is shutting down'));
  });
  app.get('/health', async (_req, res) => {
    const report = await healthReport(deps.health);
    res.status(report.store.writable ? 200 : 503).json(report);
  });
  app.use('/api', bearerAuth(deps.apiToken));
  app.use(
    express.json({
      limit: deps.maxBodyBytes ?? 64 * 1024,
      type: ['application/json', 'application/*+json'],
    }),
  );
  app.use(
    pipelineRouter({
      pipeline: deps.pipeline,
      maxInputChars: deps.maxInputChars ?? 2_000,
      traceUrl,
    }),
  );
  const executions = {
    store: deps.health.store,
    live: deps.live,
    mediaDir: deps.pipeline.mediaDir,
    traceUrl,
  };
  app.use('/api/executions', executionsRouter(executions));
  app.use('/api/runs', executionsRouter({ ...executions, flavor: 'legacy', logger: deps.logger }));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
