import { statusOfOutputs } from '../domain/run-status.js';
import { randomInt } from 'node:crypto';
import type { OutputMediaType } from '../domain/media-type.js';
import type { ExecutionTracker, ItemListener } from '../telemetry/tracker/execution-tracker.js';
import type { ExecutionTrackerOptions } from '../telemetry/tracker/execution-tracker.js';
import { childSafeMessage, failureCode } from './backends/backend-error-code.js';
import type { Backends } from './backends/backend-registry.js';
import type { Catalog } from './catalog.js';
import type { InterceptionConfig, OutputConfig } from './catalog-schemas.js';
import type { RunContext } from './pipeline-context.js';
import type { MediaWriteHealth } from './media-write-health.js';
import type { PipelineRequest } from './pipeline-request.js';
import { expectedSteps } from './run-plan.js';
import type { CheckedText } from './safety/safety-check.js';
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
  /** Counts failed media writes for logs and `/health`; default none. */
  mediaWrites?: MediaWriteHealth;
  onItem?: ItemListener;
  /** Told of each run as it starts, before any stage runs (for live progress). */
  onRunStart?: (run: RunStart) => void;
  /** Settles once the run's first record is saved (or held); stage 1 waits for it. */
  firstSave?: (executionId: string) => Promise<unknown>;
}

/** A run that has started: its ids and the steps it is expected to take. */
export interface RunStart {
  executionId: string;
  traceId: string;
  /** Step ids, see `expectedSteps`. */
  steps: readonly string[];
}

/** A started run; `done` settles with its result and never rejects. */
export interface StartedPipeline extends RunStart {
  done: Promise<PipelineResult>;
}

/** One output of a run. */
export interface OutputResult {
  loop: number;
  output_config: string;
  status: 'produced' | 'blocked' | 'failed';
  media_type: OutputMediaType;
  file_path: string | null;
  /** A blocked output: the safety category and what the child is told (German, English). */
  blocked_category?: string;
  blocked_message?: string;
  blocked_message_en?: string;
  /** A failed output: the child-safe message (details are in the record and the logs). */
  error?: string;
  error_code?: string;
}

/** The pipeline's answer. */
export interface PipelineResult {
  status: 'completed' | 'blocked' | 'failed';
  execution_id: string;
  trace_id: string;
  translated_text: string | null;
  final_text: string | null;
  outputs: OutputResult[];
  /** Stage 1 block: the explanation shown to the child (German), in English, and its category. */
  blocked_message?: string;
  blocked_message_en?: string;
  blocked_category?: string;
  /** Failure: where, a code and a child-safe message (no URL, no prompt text). */
  error?: { stage: number; type: string; code: string; message: string };
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
export function runPipeline(request: PipelineRequest, deps: PipelineDeps): Promise<PipelineResult> {
  return startPipeline(request, deps).done;
}

/**
 * Starts a run and returns at once with its execution id and trace id; the stages run after
 * the caller's current task (so an answer written now goes out before stage 1 starts).
 * Throws only `UnknownConfigError`, before any run starts.
 */
export function startPipeline(request: PipelineRequest, deps: PipelineDeps): StartedPipeline {
  const config = deps.catalog.interception.get(request.schema)!;
  const outputs = outputsFor(deps.catalog, request);
  const tracker = deps.startRun({
    configName: request.schema,
    executionMode: request.execution_mode,
    safetyLevel: request.safety_level,
    userId: request.user_id,
    sessionId: request.session_id,
    studyId: request.study_id ?? null,
    condition: request.condition ?? null,
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
    ...(deps.mediaWrites ? { mediaWrites: deps.mediaWrites } : {}),
  };
  const run: RunStart = {
    executionId: tracker.executionId,
    traceId: tracker.traceId,
    steps: expectedSteps(config, outputs.length, stage3Applies(request.safety_level)),
  };
  try {
    deps.onRunStart?.(run);
  } catch {
    // A listener never breaks the run.
  }
  // No backend is asked before the run's first record is saved (or held for retry).
  const first = deps.firstSave?.(tracker.executionId).catch(() => undefined);
  const done = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => first)
    .then(() => runStages(ctx, config, outputs));
  return { ...run, done };
}

async function runStages(
  ctx: RunContext,
  config: InterceptionConfig,
  outputs: readonly OutputConfig[],
): Promise<PipelineResult> {
  const { tracker, request } = ctx;
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
        result.blocked_message_en = s1.explanationEn;
        result.blocked_category = s1.category;
        return;
      }
      result.translated_text = s1.text;
      stage = 2;
      const prompt = await runStage2(ctx, config, s1.text);
      result.final_text = prompt;
      const seed = request.seed ?? randomInt(0, 2 ** 31);
      const texts: CheckedText[] = [
        { role: 'original', text: request.input_text, lang: request.input_language },
        { role: 'translation', text: s1.text, lang: 'en' },
        { role: 'final_prompt', text: prompt, lang: 'en' },
      ];
      for (const [index, output] of outputs.entries()) {
        result.outputs.push(await runOutput(ctx, output, index + 1, texts, seed));
      }
    });
    return { ...result, status: tracker.outcome?.status ?? statusOf(result) };
  } catch (error) {
    const type = error instanceof Error ? error.name : 'Error';
    const code = failureCode(error);
    return {
      ...result,
      status: 'failed',
      error: { stage, type, code, message: childSafeMessage(code) },
    };
  }
}

/** The status when the tracker could not tell (it failed itself). */
function statusOf(result: PipelineResult): PipelineResult['status'] {
  const count = (status: OutputResult['status']) =>
    result.outputs.filter((o) => o.status === status).length;
  return statusOfOutputs({
    stage1Blocked: result.blocked_message !== undefined,
    produced: count('produced'),
    blocked: count('blocked'),
    failed: count('failed'),
  });
}

async function runOutput(
  ctx: RunContext,
  output: OutputConfig,
  loop: number,
  texts: readonly CheckedText[],
  seed: number,
): Promise<OutputResult> {
  const prompt = texts[texts.length - 1]!.text;
  const base = { loop, output_config: output.name, media_type: output.media_type, file_path: null };
  // A failure of one output is recorded by its stage (recoverable); the run goes on.
  try {
    if (stage3Applies(ctx.request.safety_level)) {
      const verdict = await runStage3(ctx, output, loop, texts);
      if (!verdict.allowed)
        return {
          ...base,
          status: 'blocked',
          blocked_category: verdict.category,
          blocked_message: verdict.message.de,
          blocked_message_en: verdict.message.en,
        };
    }
    const media = await runStage4(ctx, output, loop, prompt, seed);
    return { ...base, status: 'produced', media_type: media.mediaType, file_path: media.filePath };
  } catch (error) {
    const code = failureCode(error);
    return { ...base, status: 'failed', error: childSafeMessage(code), error_code: code };
  }
}
