import type { Response } from 'express';
import type { PipelineRequest } from '../../pipeline/pipeline-request.js';
import { startPipeline, type PipelineDeps } from '../../pipeline/pipeline-runner.js';
import { HttpError } from '../http-error.js';
import type { RecordPath } from '../record-path.js';
import type { RunQueue } from '../run-queue.js';

/** `Retry-After` of a refused asynchronous run, in seconds. */
export const ASYNC_RETRY_AFTER_SECONDS = 30;

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
 * run goes on, and `background` is told of its completion (for graceful shutdown). With a
 * `queue`, the run's stages wait for a slot (`queued: true` in the answer), and a run beyond
 * the queue is refused: 429 `too_many_async_runs` with `Retry-After`.
 */
export async function startAsync(
  res: Response,
  request: PipelineRequest,
  options: {
    pipeline: PipelineDeps;
    traceUrl: (traceId: string) => string | null;
    background?: (done: Promise<void>) => void;
    records: RecordPath;
    queue?: RunQueue;
  },
): Promise<void> {
  const ticket = options.queue?.enter();
  if (options.queue && !ticket) {
    res.set('retry-after', String(ASYNC_RETRY_AFTER_SECONDS));
    const { maxRunning, maxQueued } = options.queue;
    throw new HttpError(
      429,
      'too_many_async_runs',
      `${maxRunning} asynchronous runs are going and ${maxQueued} waiting, the most this server takes: try again in ${ASYNC_RETRY_AFTER_SECONDS} s`,
      { running: maxRunning, queued: maxQueued, retry_after_seconds: ASYNC_RETRY_AFTER_SECONDS },
    );
  }
  const firstSave = options.pipeline.firstSave;
  const pipeline: PipelineDeps = ticket
    ? {
        ...options.pipeline,
        // No stage (and so no backend call) before the first save and a free slot.
        firstSave: (id) => Promise.allSettled([firstSave?.(id), ticket.granted]),
      }
    : options.pipeline;
  let run;
  try {
    run = startPipeline(request, pipeline);
  } catch (error) {
    ticket?.release();
    throw error;
  }
  const ended = run.done.then(() => ticket?.release());
  options.background?.(ended);
  const record = await options.records.whenStarted(run.executionId);
  const links = runLinks(run.executionId);
  res.locals.executionId = run.executionId;
  res
    .status(202)
    .set({ location: links.record, 'preference-applied': 'respond-async' })
    .json({
      status: 'running',
      queued: ticket?.queued ?? false,
      record,
      execution_id: run.executionId,
      trace_id: run.traceId,
      trace_url: options.traceUrl(run.traceId),
      expected_steps: run.steps.length,
      links,
    });
}
