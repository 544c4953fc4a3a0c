import { Router } from 'express';
import { z } from 'zod';
import { pipelineRequestSchema } from '../../pipeline/pipeline-request.js';
import {
  outputsFor,
  runPipeline,
  UnknownConfigError,
  type PipelineDeps,
} from '../../pipeline/pipeline-runner.js';
import type { RecordPath } from '../app.js';
import { HttpError } from '../http-error.js';
import { prefersAsync, startAsync } from './async-start.js';

/** Options of `pipelineRouter`. */
export interface PipelineRouteOptions {
  pipeline: PipelineDeps;
  maxInputChars: number;
  traceUrl: (traceId: string) => string | null;
  records: RecordPath;
  /** Told of each asynchronous run's completion (`Prefer: respond-async`). */
  background?: (done: Promise<void>) => void;
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
  router.post('/api/schema/pipeline/execute', async (req, res) => {
    if (!req.is('application/json'))
      throw new HttpError(
        415,
        'unsupported_media_type',
        'send the request body as application/json',
      );
    const parsed = schema.safeParse(req.body);
    if (!parsed.success)
      throw new HttpError(
        400,
        'invalid_request',
        z.prettifyError(parsed.error),
        parsed.error.issues,
      );
    try {
      outputsFor(options.pipeline.catalog, parsed.data);
    } catch (error) {
      if (error instanceof UnknownConfigError)
        throw new HttpError(404, 'unknown_config', error.message);
      throw error;
    }
    if (prefersAsync(req.get('prefer'))) return startAsync(res, parsed.data, options);
    const result = await runPipeline(parsed.data, options.pipeline);
    res.locals.executionId = result.execution_id;
    const record = await options.records.whenSaved(result.execution_id);
    const status = result.blocked_message ? 403 : STATUS_CODE[result.status];
    res.status(status).json({ ...result, record, trace_url: options.traceUrl(result.trace_id) });
  });
  return router;
}
