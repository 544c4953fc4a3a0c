import { Router } from 'express';
import { requires } from '../auth/access-guard.js';
import { pipelineRequestSchema } from '../../pipeline/pipeline-request.js';
import { outputsFor, runPipeline, type PipelineDeps } from '../../pipeline/pipeline-runner.js';
import type { RecordPath } from '../record-path.js';
import { HttpError } from '../http-error.js';
import { jsonBody } from '../request-body.js';
import type { RunQueue } from '../run-queue.js';
import { prefersAsync, startAsync } from './async-start.js';

/** Options of `pipelineRouter`. */
export interface PipelineRouteOptions {
  pipeline: PipelineDeps;
  maxInputChars: number;
  traceUrl: (traceId: string) => string | null;
  records: RecordPath;
  /** Told of each asynchronous run's completion (`Prefer: respond-async`). */
  background?: (done: Promise<void>) => void;
  /** Bounds the asynchronous runs going at once; none: unbounded. */
  asyncQueue?: RunQueue;
}

const STATUS_CODE = { completed: 200, blocked: 200, failed: 502 } as const;

/**
 * `POST /api/schema/pipeline/execute`: validates the body, runs the pipeline and answers once the
 * run's final record is saved (`record: "saved"`) or held for retry (`record: "pending"`); with
 * `Prefer: respond-async` answers 202 as soon as the run has started.
 */
export function pipelineRouter(options: PipelineRouteOptions): Router {
  const schema = pipelineRequestSchema(options.maxInputChars);
  const router = Router();
  router.post('/api/schema/pipeline/execute', requires('admin'), async (req, res) => {
    const body = jsonBody(req, schema);
    outputsFor(options.pipeline.catalog, body); // an unknown config answers 404 before any run
    if (prefersAsync(req.get('prefer')))
      return startAsync(res, body, { ...options, queue: options.asyncQueue });
    const result = await runPipeline(body, options.pipeline);
    res.locals.executionId = result.execution_id;
    const record = await options.records.whenSaved(result.execution_id);
    const status = result.blocked_message ? 403 : STATUS_CODE[result.status];
    res.status(status).json({ ...result, record, trace_url: options.traceUrl(result.trace_id) });
  });
  return router;
}

/** The execute route of a record service (`PIPELINE=off`): a clear 404 instead of a run. */
export function pipelineOffRouter(): Router {
  const router = Router();
  router.post('/api/schema/pipeline/execute', requires('admin'), () => {
    throw new HttpError(
      404,
      'pipeline_off',
      'this server is a record service: its pipeline is off (PIPELINE=off); runs come in as OTLP at /v1/traces',
    );
  });
  return router;
}
