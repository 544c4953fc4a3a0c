import type { Response } from 'express';
import type { PipelineRequest } from '../../pipeline/pipeline-request.js';
import { startPipeline, type PipelineDeps } from '../../pipeline/pipeline-runner.js';
import type { RecordPath } from '../record-path.js';

/** True when a `Prefer` header asks for an asynchronous answer (RFC 7240 `respond-async`). */
export function prefersAsync(prefer: string | undefined): boolean {
  return (prefer ?? '')
    .split(',')
    .some((p) => p.split(';')[0]!.trim().toLowerCase() === 'respond-async');
}

/** Where a run can be looked at: its record, its stream and its page. */
export function runLinks(executionId: string) {
  return {
    record: `/api/executions/${executionId}`,
    stream: `/api/executions/${executionId}/stream`,
    page: `/runs/${executionId}`,
  };
}

/**
 * Starts the run and answers 202 as soon as its first record is saved, before stage 1 runs; the
 * run goes on, and `background` is told of its completion (for graceful shutdown).
 */
export async function startAsync(
  res: Response,
  request: PipelineRequest,
  options: {
    pipeline: PipelineDeps;
    traceUrl: (traceId: string) => string | null;
    background?: (done: Promise<void>) => void;
    records: RecordPath;
  },
): Promise<void> {
  const run = startPipeline(request, options.pipeline);
  options.background?.(run.done.then(() => undefined));
  const record = await options.records.whenStarted(run.executionId);
  const links = runLinks(run.executionId);
  res.locals.executionId = run.executionId;
  res
    .status(202)
    .set({ location: links.record, 'preference-applied': 'respond-async' })
    .json({
      status: 'running',
      record,
      execution_id: run.executionId,
      trace_id: run.traceId,
      trace_url: options.traceUrl(run.traceId),
      expected_steps: run.steps.length,
      links,
    });
}
