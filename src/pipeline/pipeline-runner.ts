import { randomInt } from 'node:crypto';
import type { OutputMediaType } from '../domain/media-type.js';
import type { ExecutionTracker, ItemListener } from '../telemetry/execution-tracker.js';
import type { ExecutionTrackerOptions } from '../telemetry/execution-tracker.js';
import type { Backends } from './backends/backend-registry.js';
import type { Catalog } from './catalog.js';
import type { OutputConfig } from './catalog-schemas.js';
import type { RunContext } from './pipeline-context.js';
import type { PipelineRequest } from './pipeline-request.js';
import { runStage1 } from './stage1.js';
import { runStage2 } from './stage2.js';
import { runStage3, stage3Applies } from './stage3.js';
import { runStage4 } from './stage4.js';

/** What the pipeline needs from outside. */
export interface PipelineDeps {
  catalog: Catalog;
  backends: Backends;
  startRun(options: Omit<ExecutionTrackerOptions, 'tracer' | 'maxEventsPerSpan'>): ExecutionTracker;
  /** Root of the media files; each run writes under `<mediaDir>/<execution_id>/`. */
  mediaDir: string;
  onItem?: ItemListener;
}

/** One output of a run. */
export interface OutputResult {
  loop: number;
  output_config: string;
  status: 'produced' | 'blocked' | 'failed';
  media_type: OutputMediaType;
  file_path: string | null;
  error?: string;
}

/** The pipeline's answer. */
export interface PipelineResult {
  status: 'completed' | 'blocked' | 'failed';
  execution_id: string;
  trace_id: string;
  translated_text: string | null;
  final_text: string | null;
  outputs: OutputResult[];
  /** Stage 1 block: the explanation shown to the child. */
  blocked_message?: string;
  /** Failure: where and what (no prompt text). */
  error?: { stage: number; type: string; message: string };
}

/** The request names a config the catalog does not have. */
export class UnknownConfigError extends Error {
  override readonly name = 'UnknownConfigError';
}

/** The output configs of a request: its `output_config`, `none` for text only, else the config's defaults. */
export function outputsFor(catalog: Catalog, request: PipelineRequest): OutputConfig[] {
  const config = catalog.interception.get(request.schema);
  if (!config) throw new UnknownConfigError(`unknown config "${request.schema}"`);
  if (request.output_config === 'none') return [];
  const names = request.output_config ? [request.output_config] : config.output_configs;
  return names.map((name) => {
    const output = catalog.outputs.get(name);
    if (!output) throw new UnknownConfigError(`unknown output config "${name}"`);
    return output;
  });
}

/**
 * Runs the four stages for one request, recording everything through its own tracker.
 * Throws only `UnknownConfigError` (before any run starts); backend failures end the run
 * properly and come back as a `failed` status or as failed outputs.
 */
export async function runPipeline(
  request: PipelineRequest,
  deps: PipelineDeps,
): Promise<PipelineResult> {
  const config = deps.catalog.interception.get(request.schema);
  const outputs = outputsFor(deps.catalog, request);
  const tracker = deps.startRun({
    configName: request.schema,
    executionMode: request.execution_mode,
    safetyLevel: request.safety_level,
    userId: request.user_id,
    sessionId: request.session_id,
    requestTimestamp: new Date().toISOString(),
    input: { text: request.input_text, language: request.input_language },
    onItem: deps.onItem,
  });
  const ctx: RunContext = {
    request,
    tracker,
    catalog: deps.catalog,
    backends: deps.backends,
    llm: deps.backends.llm(request.execution_mode),
    mediaDir: deps.mediaDir,
  };
  const result: PipelineResult = {
    status: 'completed',
    execution_id: tracker.executionId,
    trace_id: tracker.traceId,
    translated_text: null,
    final_text: null,
    outputs: [],
  };
  let stage = 1;
  try {
    await tracker.run(async () => {
      const s1 = await runStage1(ctx);
      if (s1.blocked) {
        result.blocked_message = s1.explanation;
        return;
      }
      result.translated_text = s1.text;
      stage = 2;
      const prompt = await runStage2(ctx, config!, s1.text);
      result.final_text = prompt;
      const seed = request.seed ?? randomInt(0, 2 ** 31);
      for (const [index, output] of outputs.entries()) {
        result.outputs.push(await runOutput(ctx, output, index + 1, prompt, seed));
      }
    });
    return { ...result, status: tracker.outcome?.status ?? statusOf(result) };
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    return { ...result, status: 'failed', error: { stage, type: err.name, message: err.message } };
  }
}

/** The status when the tracker could not tell (it failed itself). */
function statusOf(result: PipelineResult): PipelineResult['status'] {
  if (result.blocked_message !== undefined) return 'blocked';
  const { outputs } = result;
  if (outputs.length > 0 && outputs.every((o) => o.status === 'failed')) return 'failed';
  return 'completed';
}

async function runOutput(
  ctx: RunContext,
  output: OutputConfig,
  loop: number,
  prompt: string,
  seed: number,
): Promise<OutputResult> {
  const base = { loop, output_config: output.name, media_type: output.media_type, file_path: null };
  // A failure of one output is recorded by its stage (recoverable); the run goes on.
  try {
    if (stage3Applies(ctx.request.safety_level) && !(await runStage3(ctx, output, loop, prompt))) {
      return { ...base, status: 'blocked' };
    }
    const media = await runStage4(ctx, output, loop, prompt, seed);
    return { ...base, status: 'produced', media_type: media.mediaType, file_path: media.filePath };
  } catch (error) {
    return { ...base, status: 'failed', error: (error as Error).message };
  }
}
