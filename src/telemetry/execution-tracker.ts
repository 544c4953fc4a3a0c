import {
  context,
  diag,
  INVALID_SPAN_CONTEXT,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { ExecutionIdGenerator } from '../domain/execution-id.js';
import type { ExecutionItem } from '../domain/execution-item.js';
import type { OutputMediaType } from '../domain/media-type.js';
import { formatHrTime, roundSeconds } from '../domain/timestamp.js';
import * as A from './attributes.js';
import { traceBackendCall, type BackendCall, type BackendUsage } from './backend-span.js';
import { hrNow } from './clock.js';
import { encodeItem } from './item-codec.js';
import type { OutputInput, RunOutcome, SafetyCheckInput, StepInfo } from './item-inputs.js';
import * as items from './item-vocabulary.js';
import { TIMED_ITEM_TYPES, type ErrorPlace, type ItemDraft } from './item-vocabulary.js';
import { resolveRunInfo, runAttributes, type RunFields, type RunInfo } from './run-info.js';
import { RunTally } from './run-outcome.js';
import { RunSpans, type StagePosition, type TrackedSpan } from './run-spans.js';
import { recordSpanError } from './span-error.js';

export type { BackendCall, BackendUsage } from './backend-span.js';
export type { ErrorPlace } from './item-vocabulary.js';

const log = diag.createComponentLogger({ namespace: 'execution-tracker' });
const defaultIds = new ExecutionIdGenerator();

/** Receives each item as it is recorded (for live streams); never slows or breaks the run. */
export type ItemListener = (executionId: string, item: ExecutionItem) => void;

/** Options of `ExecutionTracker.start`. */
export interface ExecutionTrackerOptions extends RunFields {
  tracer: Tracer;
  /** Makes the execution id; default a process-wide generator. */
  idGenerator?: ExecutionIdGenerator;
  /** Must equal the provider's `spanLimits.eventCountLimit`; default 128 (the SDK default). */
  maxEventsPerSpan?: number;
  /** Parent of the run span; default the active context. */
  parentContext?: Context;
  /**
   * The child's text: recorded as `user_input_text` with `pipeline_start`, on the start span,
   * so the run's first checkpoint holds it; default none (log it with `logUserInput`).
   */
  input?: { text: string; language?: string };
  onItem?: ItemListener;
}

/** Options of `inStage`. */
export interface StageOptions {
  /** Stage 3 and 4: the output loop index, 1..N. */
  loop?: number;
  /** Stage 3 and 4: the output config, an attribute of the stage span. */
  outputConfig?: string;
  /**
   * How a failure of this stage is recorded (as a `pipeline_error` item on this stage's span):
   * `recoverable` when the run goes on without it (default false: the run fails).
   */
  failure?: { recoverable?: boolean; configUsed?: string; backend?: string };
}

/** What is not there: no error recorded yet. */
const NONE = Symbol('none');

/**
 * Records one pipeline run: stages become spans (owned by `RunSpans`), items become span events
 * (defined by the item vocabulary, encoded by the item codec), the outcome is decided by
 * `RunTally`. No method ever throws into the pipeline: tracker failures go to `diag`.
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
  private readonly spans: RunSpans;
  private readonly tally = new RunTally();
  private readonly onItem: ItemListener | undefined;
  private sequence = 0;
  /** Where the cursor form stands, and the stage a failure outside any stage is charged to. */
  private position: StagePosition = { stage: 0 };
  private final: RunOutcome | undefined;
  /** The last error recorded as a `pipeline_error` item (so it is recorded once). */
  private itemized: unknown = NONE;

  private constructor(options: ExecutionTrackerOptions, startTime: HrTime) {
    this.info = resolveRunInfo(options);
    this.onItem = options.onItem;
    this.executionId = (options.idGenerator ?? defaultIds).next(
      new Date(startTime[0] * 1000 + startTime[1] / 1e6),
    );
    this.spans = new RunSpans({
      tracer: options.tracer,
      executionId: this.executionId,
      name: `execution ${this.info.configName}`,
      runAttributes: runAttributes(this.info, this.executionId),
      parentContext: options.parentContext ?? context.active(),
      startTime,
      maxEventsPerSpan: options.maxEventsPerSpan ?? 128,
    });
    this.traceId = this.spans.traceId;
    this.emit(this.spans.start, items.pipelineStart(this.info));
    if (options.input)
      this.emit(this.spans.start, items.userInput(options.input.text, options.input.language));
    this.spans.endStart();
  }

  /** Starts tracking a run: opens its run span and records `pipeline_start`. Never throws. */
  static start(options: ExecutionTrackerOptions): ExecutionTracker {
    const now = hrNow();
    try {
      return new ExecutionTracker(options, now);
    } catch (error) {
      log.error('could not start tracking a run; it runs untraced', error);
      return new ExecutionTracker(
        {
          ...options,
          tracer: trace.getTracer('noop'),
          idGenerator: new ExecutionIdGenerator(),
          onItem: undefined,
        },
        now,
      );
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
    return this.final !== undefined;
  }

  /** The run's outcome, once it ended. */
  get outcome(): RunOutcome | undefined {
    return this.final;
  }

  // ---- lifecycle -------------------------------------------------------------------------

  /**
   * Runs the whole pipeline: records `pipeline_complete` when `fn` returns and `pipeline_error`
   * when it throws (once: not again for an error a stage already recorded), unless `fn` ended
   * the run itself; returns or rethrows `fn`'s own outcome.
   */
  async run<T>(fn: (tracker: this) => Promise<T> | T): Promise<T> {
    try {
      const result = await context.with(this.spans.rootContext, () => fn(this));
      if (!this.ended) this.complete();
      return result;
    } catch (error) {
      if (!this.ended) this.fail(error, { stage: this.position.stage });
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
    const extra = options.outputConfig
      ? { [A.ATTR_OUTPUT_CONFIG]: options.outputConfig }
      : undefined;
    return this.within({ stage, loop: options.loop }, fn, options.failure, extra);
  }

  /** Runs `fn` inside the span of Stille Post iteration `iteration` (child of stage 2). */
  inIteration<T>(iteration: number, fn: (span: Span) => Promise<T> | T): Promise<T> {
    return this.within({ stage: 2, iteration }, fn);
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
    return traceBackendCall(this.spans, this.executionId, call, fn, usageOf);
  }

  /** Sets the generation seed recorded as `used_seed`. */
  setSeed(seed: number): void {
    this.guard('setSeed', () => this.spans.root.spans[0]!.setAttribute(A.ATTR_USED_SEED, seed));
  }

  /** Ends the run with `pipeline_complete` and its outcome; later calls are ignored. */
  complete(): RunOutcome | undefined {
    return this.guard('complete', () => {
      if (this.endCheck('complete')) return undefined;
      const outcome = this.tally.outcome(this.spans.stagesCompleted());
      const seconds = roundSeconds((performance.now() - this.spans.root.startMs) / 1000);
      this.emit(this.spans.root, items.pipelineComplete(outcome, seconds, this.sequence + 1));
      return this.finish(outcome);
    });
  }

  /**
   * Ends the run as failed: a `pipeline_error` item of the stage it failed in (unless a stage
   * already recorded this error); later calls are ignored.
   */
  fail(error: unknown, where: StagePosition): void {
    this.guard('fail', () => {
      if (this.endCheck('fail')) return;
      if (this.itemized !== error) this.recordError(error, where, false);
      recordSpanError(this.spans.root.spans[0]!, error);
      this.finish({ ...this.tally.outcome(this.spans.stagesCompleted()), status: 'failed' });
    });
  }

  // ---- cursor form: where the next items go (the same spans as the structured form) ------

  /** Moves the run to `stage`: ends the previous stage's implicit span and opens this one's. */
  setStage(stage: number): void {
    this.moveTo({ stage, loop: this.position.loop });
  }

  /** Moves stage 2 to Stille Post iteration `iteration` (its own child span). */
  setStageIteration(iteration: number): void {
    this.moveTo({ stage: 2, iteration });
  }

  /** Sets the output loop index for the stage 3 and 4 items that follow. */
  setLoopIteration(loop: number): void {
    this.moveTo({ stage: this.position.stage, loop });
  }

  // ---- items -----------------------------------------------------------------------------

  logUserInput(
    text: string,
    options: { language?: string; metadata?: Record<string, unknown> } = {},
  ): void {
    this.record(() => items.userInput(text, options.language, options.metadata));
  }

  logUserInputImage(filePath: string, info: StepInfo = {}): void {
    this.record(() => items.userInputImage(filePath, info));
  }

  logTranslation(text: string, info: StepInfo & { fromLang: string; toLang: string }): void {
    this.record(() => items.translation(text, info));
  }

  logStage1SafetyCheck(check: SafetyCheckInput): void {
    this.record(() => items.stage1SafetyCheck(check, this.info.safetyLevel));
  }

  logStage1ImageSafetyCheck(check: SafetyCheckInput & { filePath?: string }): void {
    this.record(() => items.stage1ImageSafetyCheck(check, this.info.safetyLevel));
  }

  /** Stage 1 blocked the prompt; `explanation` is what the child is shown. */
  logStage1Blocked(
    block: { explanation: string; reason: string; codes: readonly string[] } & StepInfo,
  ): void {
    this.record(() => items.stage1Blocked(block));
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
    this.record(() => items.interceptionIteration(text, info));
  }

  logInterceptionFinal(
    text: string,
    info: StepInfo & {
      totalIterations: number;
      transformationType: string;
      languageSequence?: readonly string[];
    },
  ): void {
    this.record(() => items.interceptionFinal(text, info));
  }

  logStage3SafetyCheck(check: SafetyCheckInput & { loop: number }): void {
    this.record(() => items.stage3SafetyCheck(check, this.info.safetyLevel));
  }

  logStage3Blocked(
    block: StepInfo & {
      loop: number;
      reason: string;
      content: string;
      foundTerms?: readonly string[];
      safetyLevel?: string;
    },
  ): void {
    this.record(() => items.stage3Blocked(block, this.info.safetyLevel));
  }

  /** Records a stage 4 output; the item type follows the medium really produced. */
  logOutput(mediaType: OutputMediaType, output: OutputInput): void {
    this.record(() => items.output(mediaType, output));
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
    this.record(() => items.stageTransition(fromStage, toStage));
  }

  /**
   * Records a failure the run survives (e.g. one output's backend failed) as a `pipeline_error`
   * item of the stage it happened in; a failure inside an output loop counts as a failed output.
   * An error a stage already recorded is not recorded again.
   */
  logError(error: unknown, where: ErrorPlace): void {
    this.guard('logError', () => {
      if (this.itemized === error) return;
      if (this.endCheck('pipeline_error')) return;
      this.recordError(error, where, true);
    });
  }

  // ---- internals -------------------------------------------------------------------------

  private async within<T>(
    position: StagePosition,
    fn: (span: Span) => Promise<T> | T,
    failure?: StageOptions['failure'],
    extra?: Attributes,
  ): Promise<T> {
    const tracked = this.guard('open a stage span', () => {
      const t = this.spans.begin(position, true, extra);
      this.position = position;
      return t;
    });
    const span = tracked?.spans[0];
    try {
      return await (span
        ? context.with(this.spans.contextOf(tracked!), () => fn(span))
        : fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
    } catch (error) {
      this.guard('stage error', () => {
        if (!tracked) return;
        if (this.itemized !== error && !this.ended)
          this.recordError(
            error,
            { ...position, ...failure },
            failure?.recoverable ?? false,
            tracked,
          );
        this.spans.end(tracked, error);
      });
      throw error;
    } finally {
      this.guard('stage end', () => tracked && this.spans.end(tracked));
    }
  }

  private moveTo(position: StagePosition): void {
    this.guard('move', () => {
      this.position = position;
      if (position.stage >= 1 && position.stage <= 4) this.spans.target(position);
    });
  }

  /** A `pipeline_error` item on the span where the failure happened (else the run span). */
  private recordError(
    error: unknown,
    where: ErrorPlace,
    recoverable: boolean,
    on?: TrackedSpan,
  ): void {
    this.itemized = error;
    const draft = items.pipelineError(error, where, recoverable);
    this.emit(
      on ?? this.spans.find(where) ?? (recoverable ? this.spans.target(where) : this.spans.root),
      draft,
    );
  }

  private record(build: () => ItemDraft): void {
    this.guard('item', () => {
      const draft = build();
      if (this.endCheck(draft.type)) return;
      this.emit(this.spans.target(draft), draft);
    });
  }

  /** Numbers, times and records an item on `target`; the listener gets the same item. */
  private emit(target: TrackedSpan, d: ItemDraft): void {
    const time = hrNow();
    const measured =
      d.executionTime ??
      (TIMED_ITEM_TYPES.has(d.type) ? (performance.now() - target.startMs) / 1000 : null);
    const { attributes, item } = encodeItem({
      sequence_number: ++this.sequence,
      timestamp: formatHrTime(time),
      stage: d.stage,
      stage_iteration: d.iteration ?? null,
      loop_iteration: d.loop ?? null,
      media_type: d.mediaType,
      item_type: d.type,
      content: d.content ?? null,
      file_path: d.filePath ?? null,
      config_used: d.configUsed ?? null,
      model_used: d.modelUsed ?? null,
      backend_type: d.backendType ?? null,
      execution_time: measured === null ? null : roundSeconds(measured),
      metadata: d.metadata,
    });
    this.spans.addEvent(target, d.type, attributes, time);
    this.tally.observe(item);
    if (this.onItem) {
      try {
        this.onItem(this.executionId, item);
      } catch (error) {
        log.error('item listener failed', error);
      }
    }
  }

  private finish(outcome: RunOutcome): RunOutcome {
    this.final = outcome;
    this.spans.root.spans[0]!.setAttributes({
      [A.ATTR_STATUS]: outcome.status,
      [A.ATTR_OUTPUTS_PRODUCED]: outcome.outputsProduced,
      [A.ATTR_OUTPUTS_BLOCKED]: outcome.outputsBlocked,
      [A.ATTR_OUTPUTS_FAILED]: outcome.outputsFailed,
    });
    this.spans.endRun();
    return outcome;
  }

  private endCheck(what: string): boolean {
    if (!this.ended) return false;
    log.warn(`${what}: run ${this.executionId} has already ended; ignored`);
    return true;
  }

  private guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      log.error(`${what} failed for run ${this.executionId}`, error);
      return undefined;
    }
  }
}
