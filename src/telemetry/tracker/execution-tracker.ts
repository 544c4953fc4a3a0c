import { context, type Attributes, type Span } from '@opentelemetry/api';
import type { OutputMediaType } from '../../domain/media-type.js';
import * as A from './attributes.js';
import {
  traceBackendCall,
  type BackendCall,
  type BackendCallRun,
  type BackendUsage,
} from './backend-span.js';
import { traceGuardrail, type Guardrail } from './guardrail-span.js';
import { hrNow } from './clock.js';
import type { OutputInput, RunOutcome, SafetyCheckInput, StepInfo } from './item-inputs.js';
import * as items from './item-vocabulary.js';
import type { ErrorPlace } from './item-vocabulary.js';
import type { RunInfo } from './run-info.js';
import { log, RunRecorder } from './run-recorder.js';
import {
  recorderOptions,
  untracedOptions,
  type ExecutionTrackerOptions,
  type StageOptions,
} from './tracker-options.js';
import type { StagePosition } from './run-spans.js';

export type { BackendCall, BackendUsage } from './backend-span.js';
export type { Guardrail } from './guardrail-span.js';
export type { ErrorPlace } from './item-vocabulary.js';
export type { ItemListener, StageFailure } from './run-recorder.js';
export type { ExecutionTrackerOptions, StageOptions } from './tracker-options.js';

/**
 * Records one pipeline run; the public API over `RunRecorder`. Stages become spans (owned by
 * `RunSpans`), items become span events (defined by the item vocabulary, encoded by the item
 * codec), the outcome is decided by `RunTally`. No method ever throws into the pipeline:
 * tracker failures go to `diag`.
 * @example
 * const tracker = ExecutionTracker.start({ tracer, configName: 'dada' });
 * await tracker.run(async (t) => {
 *   const en = await t.inStage(1, () => translate(prompt));
 *   await t.inStage(2, () => intercept(en));
 * });
 */
export class ExecutionTracker {
  readonly executionId: string;
  readonly traceId: string;
  readonly info: RunInfo;
  /** `gen_ai.conversation.id` of the run's GenAI spans, when set. */
  readonly conversationId?: string;
  private readonly recorder: RunRecorder;

  private constructor(options: ExecutionTrackerOptions, startTime: [number, number]) {
    this.recorder = new RunRecorder(recorderOptions(options), startTime);
    this.executionId = this.recorder.executionId;
    this.traceId = this.recorder.spans.traceId;
    this.info = this.recorder.info;
    if (options.conversationId) this.conversationId = options.conversationId;
  }

  /** Starts tracking a run: opens its run span and records `pipeline_start`. Never throws. */
  static start(options: ExecutionTrackerOptions): ExecutionTracker {
    const now = hrNow();
    try {
      return new ExecutionTracker(options, now);
    } catch (error) {
      log.error('could not start tracking a run; it runs untraced', error);
      return new ExecutionTracker(untracedOptions(options), now);
    }
  }

  get configName(): string {
    return this.info.configName;
  }

  get safetyLevel(): string {
    return this.info.safetyLevel;
  }

  /** True once the run has its terminal item. */
  get ended(): boolean {
    return this.recorder.outcome !== undefined;
  }

  /** The run's outcome, once it ended. */
  get outcome(): RunOutcome | undefined {
    return this.recorder.outcome;
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /**
   * Runs the whole pipeline: records `pipeline_complete` when `fn` returns and `pipeline_error`
   * when it throws (once: not again for an error a stage already recorded), unless `fn` ended
   * the run itself; returns or rethrows `fn`'s own outcome.
   */
  async run<T>(fn: (tracker: this) => Promise<T> | T): Promise<T> {
    try {
      const result = await context.with(this.recorder.spans.rootContext, () => fn(this));
      if (!this.ended) this.complete();
      return result;
    } catch (error) {
      if (!this.ended) this.fail(error, { stage: this.recorder.where.stage });
      throw error;
    }
  }

  /**
   * Runs `fn` inside a stage span (stage 3 and 4: one per output `loop`), ended when it settles.
   * When `fn` throws, the failure is recorded on this span (`pipeline_error`, exception, status)
   * and rethrown unchanged.
   */
  inStage<T>(
    stage: 1 | 2 | 3 | 4,
    fn: (span: Span) => Promise<T> | T,
    options: StageOptions = {},
  ): Promise<T> {
    const extra: Attributes = { ...options.attributes };
    if (options.outputConfig) extra[A.ATTR_OUTPUT_CONFIG] = options.outputConfig;
    return this.recorder.within({ stage, loop: options.loop }, fn, options.failure, extra);
  }

  /** Runs `fn` inside the span of Stille Post iteration `iteration` (child of stage 2). */
  inIteration<T>(iteration: number, fn: (span: Span) => Promise<T> | T): Promise<T> {
    return this.recorder.within({ stage: 2, iteration }, fn);
  }

  /**
   * Runs a backend call as a client span with `gen_ai.*` attributes and returns its value with
   * the measured seconds. The call's own error is recorded on the span and rethrown unchanged.
   */
  backendCall<T>(
    call: BackendCall,
    fn: (span: Span) => Promise<T>,
    usageOf?: (value: T) => BackendUsage | undefined,
  ): Promise<{ value: T; seconds: number }> {
    return traceBackendCall(this.callRun(), call, fn, usageOf);
  }

  /**
   * Runs a synchronous safety check as a guardrail span (`apply_guardrail`, OpenInference
   * `GUARDRAIL`); `allowed` tells its decision from the value. Returns or rethrows `fn`'s own.
   */
  guardrail<T>(guardrail: Guardrail, fn: () => T, allowed: (value: T) => boolean): T {
    return traceGuardrail(this.callRun(), guardrail, fn, allowed);
  }

  private callRun(): BackendCallRun {
    return {
      spans: this.recorder.spans,
      executionId: this.executionId,
      ...(this.conversationId ? { conversationId: this.conversationId } : {}),
      nextItemSequence: () => this.recorder.nextSequence,
    };
  }

  /** Sets the generation seed recorded as `used_seed`. */
  setSeed(seed: number): void {
    this.recorder.setSeed(seed);
  }

  /** Ends the run with `pipeline_complete` and its outcome; later calls are ignored. */
  complete(): RunOutcome | undefined {
    return this.recorder.complete();
  }

  /**
   * Ends the run as failed: a `pipeline_error` item of the stage it failed in (unless a stage
   * already recorded this error); later calls are ignored.
   */
  fail(error: unknown, where: StagePosition): void {
    this.recorder.fail(error, where);
  }

  // ---- cursor form: where the next items go (the same spans as the structured form) ------

  /** Moves the run to `stage`: ends the previous stage's implicit span and opens this one's. */
  setStage(stage: number): void {
    this.recorder.moveTo({ stage, loop: this.recorder.where.loop });
  }

  /** Moves stage 2 to Stille Post iteration `iteration` (its own child span). */
  setStageIteration(iteration: number): void {
    this.recorder.moveTo({ stage: 2, iteration });
  }

  /** Sets the output loop index for the stage 3 and 4 items that follow. */
  setLoopIteration(loop: number): void {
    this.recorder.moveTo({ stage: this.recorder.where.stage, loop });
  }

  // ---- items -----------------------------------------------------------------------------

  logUserInput(
    text: string,
    options: { language?: string; metadata?: Record<string, unknown> } = {},
  ): void {
    this.recorder.record(() => items.userInput(text, options.language, options.metadata));
  }

  logUserInputImage(filePath: string, info: StepInfo = {}): void {
    this.recorder.record(() => items.userInputImage(filePath, info));
  }

  logTranslation(text: string, info: StepInfo & { fromLang: string; toLang: string }): void {
    this.recorder.record(() => items.translation(text, info));
  }

  logStage1SafetyCheck(check: SafetyCheckInput): void {
    this.recorder.record(() => items.stage1SafetyCheck(check, this.info.safetyLevel));
  }

  logStage1ImageSafetyCheck(check: SafetyCheckInput & { filePath?: string }): void {
    this.recorder.record(() => items.stage1ImageSafetyCheck(check, this.info.safetyLevel));
  }

  /** Stage 1 blocked the prompt; `explanation` is what the child is shown. */
  logStage1Blocked(
    block: { explanation: string; reason: string; codes: readonly string[] } & StepInfo,
  ): void {
    this.recorder.record(() => items.stage1Blocked(block));
  }

  logInterceptionIteration(
    text: string,
    info: StepInfo & {
      iteration: number;
      fromLang: string;
      toLang: string;
      iterationType?: string;
    },
  ): void {
    this.recorder.record(() => items.interceptionIteration(text, info));
  }

  logInterceptionFinal(
    text: string,
    info: StepInfo & {
      totalIterations: number;
      transformationType: string;
      languageSequence?: readonly string[];
    },
  ): void {
    this.recorder.record(() => items.interceptionFinal(text, info));
  }

  logStage3SafetyCheck(check: SafetyCheckInput & { loop: number }): void {
    this.recorder.record(() => items.stage3SafetyCheck(check, this.info.safetyLevel));
  }

  logStage3Blocked(block: items.Stage3Block): void {
    this.recorder.record(() => items.stage3Blocked(block, this.info.safetyLevel));
  }

  /** Records a stage 4 output; the item type follows the medium really produced. */
  logOutput(mediaType: OutputMediaType, output: OutputInput): void {
    this.recorder.record(() => items.output(mediaType, output));
  }

  logOutputImage(output: OutputInput): void {
    this.logOutput('image', output);
  }
  logOutputAudio(output: OutputInput): void {
    this.logOutput('audio', output);
  }
  logOutputMusic(output: OutputInput): void {
    this.logOutput('music', output);
  }
  logOutputVideo(output: OutputInput): void {
    this.logOutput('video', output);
  }
  logOutput3d(output: OutputInput): void {
    this.logOutput('3d', output);
  }

  logStageTransition(fromStage: number, toStage: number): void {
    this.recorder.record(() => items.stageTransition(fromStage, toStage));
  }

  /**
   * Records a failure the run survives (e.g. one output's backend failed) as a `pipeline_error`
   * item of the stage it happened in; a failure inside an output loop counts as a failed output.
   * An error a stage already recorded is not recorded again.
   */
  logError(error: unknown, where: ErrorPlace): void {
    this.recorder.recordRecoverable(error, where);
  }
}
