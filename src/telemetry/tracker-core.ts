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
import { TAXONOMY_VERSION } from '../domain/execution-record.js';
import { OUTPUT_ITEM_TYPE, type ItemType } from '../domain/item-type.js';
import type { MediaType } from '../domain/media-type.js';
import * as A from './attributes.js';
import type { RunOutcome, SafetyCheckInput, StepInfo } from './item-inputs.js';
import { traceBackendCall, type BackendCall, type BackendUsage } from './backend-span.js';
import { recordSpanError } from './span-error.js';
import { hrNow } from './clock.js';
import { serializeMetadata } from './serialize.js';
import { eventToItem } from './span-to-record.js';
import { StageSpans, type StagePosition, type TrackedSpan } from './stage-spans.js';

export const log = diag.createComponentLogger({ namespace: 'execution-tracker' });

/** Receives each item as it is recorded (for live streams); never slows or breaks the run. */
export type ItemListener = (executionId: string, item: ExecutionItem) => void;

/** Options of `ExecutionTracker.start`. */
export interface ExecutionTrackerOptions {
  tracer: Tracer;
  configName: string;
  /** Default `eco`. */
  executionMode?: string;
  /** Default `kids`. */
  safetyLevel?: string;
  /** Default `anonymous`. */
  userId?: string;
  /** Default `default`. */
  sessionId?: string;
  /** When the request arrived (ISO 8601); default null. */
  requestTimestamp?: string | null;
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

/** The fields of a `user_input_text` item. */
export function userInputFields(
  text: string,
  language = 'de',
  metadata: Record<string, unknown> = {},
): ItemFields {
  return {
    stage: 1,
    mediaType: 'text',
    content: text,
    metadata: { input_language: language, char_count: [...text].length, ...metadata },
  };
}

/** Where a failure happened: its stage and, inside a loop or iteration, which one. */
export interface ErrorPlace {
  stage: number;
  loop?: number;
  iteration?: number;
  configUsed?: string;
  backend?: string;
}

export const defaultIds = new ExecutionIdGenerator();

/** Item types whose execution time, when not given, is measured from their span. */
const TIMED: ReadonlySet<string> = new Set([
  'translation_result',
  'stage1_safety_check',
  'stage1_safety_check_image',
  'interception_iteration',
  'interception_final',
  'stage3_safety_check',
  ...Object.values(OUTPUT_ITEM_TYPE),
]);

export interface ItemFields extends StagePosition {
  mediaType: MediaType | string;
  content?: string | null;
  filePath?: string | null;
  configUsed?: string | null;
  modelUsed?: string | null;
  backendType?: string | null;
  executionTime?: number | null;
  metadata?: Record<string, unknown>;
}

/** The span and item machinery of a run; `ExecutionTracker` adds the item vocabulary. */
export class TrackerCore {
  readonly executionId: string;
  readonly traceId: string;
  readonly configName: string;
  readonly safetyLevel: string;
  protected readonly spans: StageSpans;
  private readonly onItem: ItemListener | undefined;
  private sequence = 0;
  private current: StagePosition = { stage: 0 };
  private terminal = false;
  protected stage1Blocked = false;
  protected produced = 0;
  protected blocked = 0;
  protected failed = 0;

  protected constructor(options: ExecutionTrackerOptions, startTime: HrTime) {
    this.configName = options.configName;
    this.safetyLevel = options.safetyLevel ?? 'kids';
    this.onItem = options.onItem;
    this.executionId = (options.idGenerator ?? defaultIds).next(
      new Date(startTime[0] * 1000 + startTime[1] / 1e6),
    );
    const runAttributes: Attributes = {
      [A.ATTR_EXECUTION_ID]: this.executionId,
      [A.ATTR_CONFIG_NAME]: this.configName,
      [A.ATTR_EXECUTION_MODE]: options.executionMode ?? 'eco',
      [A.ATTR_SAFETY_LEVEL]: this.safetyLevel,
      [A.ATTR_USER_ID]: options.userId ?? 'anonymous',
      [A.ATTR_SESSION_ID]: options.sessionId ?? 'default',
      [A.ATTR_TAXONOMY_VERSION]: TAXONOMY_VERSION,
    };
    const tracer = options.tracer;
    const root = tracer.startSpan(
      `execution ${this.configName}`,
      { attributes: { ...runAttributes, [A.ATTR_SPAN_ROLE]: A.ROLE_RUN }, startTime },
      options.parentContext ?? context.active(),
    );
    this.traceId = root.spanContext().traceId;
    const rootContext = trace.setSpan(options.parentContext ?? context.active(), root);
    this.spans = new StageSpans(
      tracer,
      root,
      rootContext,
      this.executionId,
      options.maxEventsPerSpan ?? 128,
    );
    // The start span ends at once, so the exporter can checkpoint a record before the run ends.
    const start = tracer.startSpan(
      'pipeline start',
      {
        attributes: { ...runAttributes, [A.ATTR_SPAN_ROLE]: A.ROLE_START, [A.ATTR_STAGE]: 0 },
        startTime,
      },
      rootContext,
    );
    const startSpan: TrackedSpan = {
      key: '0',
      stage: 0,
      name: 'pipeline start',
      attributes: {},
      spans: [start],
      startMs: performance.now(),
      explicit: true,
      events: 0,
    };
    this.emit(startSpan, 'pipeline_start', {
      stage: 0,
      mediaType: 'metadata',
      metadata: {
        config_name: this.configName,
        execution_mode: options.executionMode ?? 'eco',
        request_timestamp: options.requestTimestamp ?? null,
        safety_level: this.safetyLevel,
        session_id: options.sessionId ?? 'default',
        user_id: options.userId ?? 'anonymous',
      },
    });
    if (options.input)
      this.emit(
        startSpan,
        'user_input_text',
        userInputFields(options.input.text, options.input.language),
      );
    start.end(hrNow());
  }

  /** True once the run has its terminal item. */
  get ended(): boolean {
    return this.terminal;
  }

  // ---- structured form -------------------------------------------------------------------

  /**
   * Runs the whole pipeline: records `pipeline_complete` when `fn` returns and `pipeline_error`
   * when it throws (unless `fn` already ended the run); returns or rethrows `fn`'s own outcome.
   */
  async run<T>(fn: (tracker: this) => Promise<T> | T): Promise<T> {
    try {
      const result = await context.with(this.spans.rootContext, () => fn(this));
      if (!this.terminal) this.complete();
      return result;
    } catch (error) {
      if (!this.terminal) this.fail(error, { stage: this.current.stage });
      throw error;
    }
  }

  /** Runs `fn` inside a stage span (stage 3 and 4: per output `loop`), ended when it settles. */
  inStage<T>(
    stage: 1 | 2 | 3 | 4,
    fn: (span: Span) => Promise<T> | T,
    options: { loop?: number } = {},
  ): Promise<T> {
    return this.within({ stage, loop: options.loop }, fn);
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

  // ---- cursor form (the earlier tracker's style) -------------------------------------------

  /** Moves the run to `stage`: ends the previous stage's span and opens this one's. */
  setStage(stage: number): void {
    this.guard('setStage', () => {
      this.current = { stage, loop: this.current.loop };
      if (stage >= 1 && stage <= 4) this.spans.target(this.current);
    });
  }

  /** Moves stage 2 to Stille Post iteration `iteration` (its own child span). */
  setStageIteration(iteration: number): void {
    this.guard('setStageIteration', () => {
      this.current = { stage: 2, iteration };
      this.spans.target(this.current);
    });
  }

  /** Sets the output loop index for the stage 3 and 4 items that follow. */
  setLoopIteration(loop: number): void {
    this.guard('setLoopIteration', () => {
      this.current = { stage: this.current.stage, loop };
      if (this.current.stage >= 3 && this.current.stage <= 4) this.spans.target(this.current);
    });
  }

  /** Sets the generation seed recorded as `used_seed`. */
  setSeed(seed: number): void {
    this.guard('setSeed', () => this.spans.root.spans[0]!.setAttribute(A.ATTR_USED_SEED, seed));
  }

  /** Ends the run with `pipeline_complete` and its outcome; later calls are ignored. */
  complete(): RunOutcome | undefined {
    return this.guard('complete', () => {
      if (this.endCheck('complete')) return undefined;
      const outcome = this.outcome();
      const items = this.sequence + 1;
      const root = this.spans.root.spans[0]!;
      this.item('pipeline_complete', {
        stage: 5,
        mediaType: 'metadata',
        metadata: {
          outcome: outcome.status,
          outputs_produced: outcome.outputsProduced,
          outputs_blocked: outcome.outputsBlocked,
          outputs_failed: outcome.outputsFailed,
          stages_completed: outcome.stagesCompleted,
          total_duration_seconds: (performance.now() - this.spans.root.startMs) / 1000,
          total_items_logged: items,
        },
      });
      this.finish(root, outcome);
      return outcome;
    });
  }

  /** Ends the run with a `pipeline_error` item of the stage it failed in; later calls are ignored. */
  fail(error: unknown, where: { stage: number; loop?: number; iteration?: number }): void {
    this.guard('fail', () => {
      if (this.endCheck('fail')) return;
      this.item('pipeline_error', this.errorFields(error, where, false));
      const root = this.spans.root.spans[0]!;
      recordSpanError(root, error);
      this.finish(root, { ...this.outcome(), status: 'failed' });
    });
  }

  // ---- internals ---------------------------------------------------------------------------

  private async within<T>(position: StagePosition, fn: (span: Span) => Promise<T> | T): Promise<T> {
    let tracked: TrackedSpan | undefined;
    try {
      tracked = this.spans.begin(position, true);
      this.current = position;
    } catch (error) {
      log.error('could not open a stage span', error);
    }
    const span = tracked?.spans[0];
    try {
      return await (span
        ? context.with(this.spans.contextOf(tracked!), () => fn(span))
        : fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT)));
    } catch (error) {
      this.guard('stage error', () => tracked && this.spans.end(tracked, error));
      throw error;
    } finally {
      this.guard('stage end', () => tracked && this.spans.end(tracked));
    }
  }

  private outcome(): RunOutcome {
    const status: RunOutcome['status'] = this.stage1Blocked
      ? 'blocked'
      : this.produced === 0 && this.blocked > 0 && this.failed === 0
        ? 'blocked'
        : this.produced === 0 && this.failed > 0
          ? 'failed'
          : 'completed';
    return {
      status,
      outputsProduced: this.produced,
      outputsBlocked: this.blocked,
      outputsFailed: this.failed,
      stagesCompleted: this.spans.stagesCompleted(),
    };
  }

  private finish(root: Span, outcome: RunOutcome): void {
    this.terminal = true;
    root.setAttributes({
      [A.ATTR_STATUS]: outcome.status,
      [A.ATTR_OUTPUTS_PRODUCED]: outcome.outputsProduced,
      [A.ATTR_OUTPUTS_BLOCKED]: outcome.outputsBlocked,
      [A.ATTR_OUTPUTS_FAILED]: outcome.outputsFailed,
    });
    this.spans.endAll();
    root.end(hrNow());
  }

  private endCheck(what: string): boolean {
    if (!this.terminal) return false;
    log.warn(`${what}: run ${this.executionId} has already ended; ignored`);
    return true;
  }

  protected errorFields(error: unknown, where: ErrorPlace, recoverable: boolean): ItemFields {
    const err = error instanceof Error ? error : new Error(String(error));
    return {
      stage: where.stage,
      loop: where.loop,
      iteration: where.iteration,
      mediaType: 'metadata',
      content: err.message,
      configUsed: where.configUsed,
      backendType: where.backend,
      metadata: { error_type: err.name || 'Error', stage: where.stage, recoverable },
    };
  }

  protected step(info: StepInfo, metadata: Record<string, unknown> = {}): Partial<ItemFields> {
    return {
      modelUsed: info.model,
      backendType: info.backend,
      configUsed: info.configUsed,
      executionTime: info.executionTime,
      metadata: { ...metadata, ...info.metadata },
    };
  }

  protected safety(check: SafetyCheckInput): Partial<ItemFields> {
    return this.step(check, {
      safe: check.safe,
      method: check.method,
      found_terms: check.foundTerms ? [...check.foundTerms] : undefined,
      safety_level: check.safetyLevel ?? this.safetyLevel,
      risk: check.risk,
    });
  }

  protected item(type: ItemType, fields: ItemFields): void {
    this.guard(type, () => {
      if (this.terminal) {
        log.warn(`${type}: run ${this.executionId} has already ended; item ignored`);
        return;
      }
      this.emit(this.spans.target(fields), type, fields);
    });
  }

  private emit(target: TrackedSpan, type: ItemType, f: ItemFields): void {
    const sequence = ++this.sequence;
    const time = hrNow();
    const executionTime =
      f.executionTime ?? (TIMED.has(type) ? (performance.now() - target.startMs) / 1000 : null);
    const attributes: Attributes = {
      [A.ATTR_ITEM_SEQUENCE]: sequence,
      [A.ATTR_ITEM_STAGE]: f.stage,
      [A.ATTR_ITEM_MEDIA_TYPE]: f.mediaType,
      [A.ATTR_ITEM_METADATA]: serializeMetadata(f.metadata),
    };
    if (f.iteration != null) attributes[A.ATTR_ITEM_STAGE_ITERATION] = f.iteration;
    if (f.loop != null) attributes[A.ATTR_ITEM_LOOP_ITERATION] = f.loop;
    if (f.content != null) attributes[A.ATTR_ITEM_CONTENT] = f.content;
    if (f.filePath != null) attributes[A.ATTR_ITEM_FILE_PATH] = f.filePath;
    if (f.configUsed != null) attributes[A.ATTR_ITEM_CONFIG_USED] = f.configUsed;
    if (f.modelUsed != null) attributes[A.ATTR_ITEM_MODEL_USED] = f.modelUsed;
    if (f.backendType != null) attributes[A.ATTR_ITEM_BACKEND_TYPE] = f.backendType;
    if (executionTime != null) attributes[A.ATTR_ITEM_EXECUTION_TIME] = executionTime;
    this.spans.addEvent(target, type, attributes, time);
    if (this.onItem) this.notify(type, attributes, time);
  }

  /** Tells the live listener, with the item exactly as the record will hold it. */
  private notify(type: ItemType, attributes: Attributes, time: HrTime): void {
    try {
      const item = eventToItem({ name: type, time, attributes, droppedAttributesCount: 0 });
      if (item) this.onItem!(this.executionId, item);
    } catch (error) {
      log.error('item listener failed', error);
    }
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
