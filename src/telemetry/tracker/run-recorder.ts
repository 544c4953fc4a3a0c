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
import type { ExecutionIdGenerator } from '../../domain/execution-id.js';
import type { ExecutionItem } from '../../domain/execution-item.js';
import { formatHrTime, roundSeconds } from '../../domain/timestamp.js';
import * as A from './attributes.js';
import { hrAt } from './clock.js';
import { encodeItem } from './item-codec.js';
import type { RunOutcome } from './item-inputs.js';
import * as items from './item-vocabulary.js';
import { TIMED_ITEM_TYPES, type ErrorPlace, type ItemDraft } from './item-vocabulary.js';
import { resolveRunInfo, runAttributes, type RunFields, type RunInfo } from './run-info.js';
import { RunTally } from './run-outcome.js';
import { RunSpans, type StagePosition, type TrackedSpan } from './run-spans.js';
import { recordSpanError } from './span-error.js';

export const log = diag.createComponentLogger({ namespace: 'execution-tracker' });

/** Receives each item as it is recorded (for live streams); never slows or breaks the run. */
export type ItemListener = (executionId: string, item: ExecutionItem) => void;

/** What a run is recorded with. */
export interface RunRecorderOptions extends RunFields {
  tracer: Tracer;
  ids: ExecutionIdGenerator;
  maxEventsPerSpan: number;
  parentContext: Context;
  input?: { text: string; language?: string };
  onItem?: ItemListener;
}

/** How a stage's failure is recorded: `recoverable` when the run goes on without it. */
export interface StageFailure {
  recoverable?: boolean;
  configUsed?: string;
  backend?: string;
  model?: string;
}

/** What is not there: no error recorded yet. */
const NONE = Symbol('none');

/**
 * Records one run's items on its spans: numbers, times and encodes each item once, tells the
 * listener, keeps the tally, records each failure once where it happened, and ends the run.
 * Every public method is guarded: tracker failures go to `diag`, never to the caller.
 */
export class RunRecorder {
  readonly executionId: string;
  readonly info: RunInfo;
  readonly spans: RunSpans;
  private readonly tally = new RunTally();
  private readonly onItem: ItemListener | undefined;
  private sequence = 0;
  /** Where the cursor form stands, and the stage a failure outside any stage is charged to. */
  private position: StagePosition = { stage: 0 };
  private final: RunOutcome | undefined;
  /** The last error recorded as a `pipeline_error` item (so it is recorded once). */
  private itemized: unknown = NONE;
  private seed: number | undefined;

  /** The sequence number the next item will get. */
  get nextSequence(): number {
    return this.sequence + 1;
  }

  constructor(o: RunRecorderOptions, startTime: HrTime) {
    this.info = resolveRunInfo(o);
    this.onItem = o.onItem;
    this.executionId = o.ids.next(new Date(startTime[0] * 1000 + startTime[1] / 1e6));
    this.spans = new RunSpans({
      tracer: o.tracer,
      executionId: this.executionId,
      name: `execution ${this.info.configName}`,
      runAttributes: runAttributes(this.info, this.executionId),
      parentContext: o.parentContext,
      startTime,
      maxEventsPerSpan: o.maxEventsPerSpan,
    });
    this.emit(this.spans.start, items.pipelineStart(this.info));
    if (o.input) this.emit(this.spans.start, items.userInput(o.input.text, o.input.language));
    this.spans.endStart();
  }

  /** The outcome, once the run ended. */
  get outcome(): RunOutcome | undefined {
    return this.final;
  }

  /** Where the cursor form stands (the last stage entered). */
  get where(): StagePosition {
    return this.position;
  }

  /** Records the item `build` makes on the span of its position. */
  record(build: () => ItemDraft): void {
    this.guard('item', () => {
      const draft = build();
      if (this.endCheck(draft.type)) return;
      this.emit(this.spans.target(draft), draft);
    });
  }

  /** A failure the run survives; not again for an error already recorded. */
  recordRecoverable(error: unknown, where: ErrorPlace): void {
    this.guard('logError', () => {
      if (this.itemized === error || this.endCheck('pipeline_error')) return;
      this.recordError(error, where, true);
    });
  }

  /** Runs `fn` in the span at `position`; its failure is recorded there and rethrown. */
  async within<T>(
    position: StagePosition,
    fn: (span: Span) => Promise<T> | T,
    failure?: StageFailure,
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
        if (this.itemized !== error && !this.final)
          this.recordError(error, { ...position, ...failure }, !!failure?.recoverable, tracked);
        this.spans.end(tracked, error);
      });
      throw error;
    } finally {
      this.guard('stage end', () => tracked && this.spans.end(tracked));
    }
  }

  /** The cursor form: the next items go to `position` (its span opens implicitly). */
  moveTo(position: StagePosition): void {
    this.guard('move', () => {
      this.position = position;
      if (position.stage >= 1 && position.stage <= 4) this.spans.target(position);
    });
  }

  /** `used_seed`, set on the run span when it changes. */
  setSeed(seed: number): void {
    this.guard('setSeed', () => {
      if (seed === this.seed) return;
      this.seed = seed;
      this.spans.root.spans[0]!.setAttribute(A.ATTR_USED_SEED, seed);
    });
  }

  complete(): RunOutcome | undefined {
    return this.guard('complete', () => {
      if (this.endCheck('complete')) return undefined;
      const outcome = this.tally.outcome(this.spans.stagesCompleted());
      const seconds = roundSeconds((performance.now() - this.spans.root.startMs) / 1000);
      this.emit(this.spans.root, items.pipelineComplete(outcome, seconds, this.sequence + 1));
      return this.finish(outcome);
    });
  }

  fail(error: unknown, where: StagePosition): void {
    this.guard('fail', () => {
      if (this.endCheck('fail')) return;
      if (this.itemized !== error) this.recordError(error, where, false);
      recordSpanError(this.spans.root.spans[0]!, error);
      this.finish({ ...this.tally.outcome(this.spans.stagesCompleted()), status: 'failed' });
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
    const span =
      on ?? this.spans.find(where) ?? (recoverable ? this.spans.target(where) : this.spans.root);
    this.emit(span, items.pipelineError(error, where, recoverable));
  }

  /** Numbers, times and records an item on `target`; the listener gets the same item. */
  private emit(target: TrackedSpan, d: ItemDraft): void {
    const nowMs = performance.now();
    const time = hrAt(nowMs);
    const measured =
      d.executionTime ?? (TIMED_ITEM_TYPES.has(d.type) ? (nowMs - target.startMs) / 1000 : null);
    const { attributes, item } = encodeItem({
      sequence_number: ++this.sequence,
      // The event's time carries the timestamp; it is formatted only for a listener.
      timestamp: this.onItem ? formatHrTime(time) : '',
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
    if (!this.final) return false;
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
