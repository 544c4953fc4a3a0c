import {
  context,
  trace,
  type Attributes,
  type Context,
  type HrTime,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { hrAt, hrNow } from './clock.js';
import { recordSpanError } from './span-error.js';
import * as A from './attributes.js';

/** A span the tracker holds open, and where its item events go. */
export interface TrackedSpan {
  readonly key: string;
  readonly stage: number;
  readonly name: string;
  readonly attributes: Attributes;
  /** The span, then its continuation spans (newest last) once it held `maxEventsPerSpan`. */
  readonly spans: Span[];
  /** `performance.now()` at the span's start, for execution times taken from the span. */
  readonly startMs: number;
  readonly explicit: boolean;
  events: number;
  /** The context its children start in (made once: each `trace.setSpan` copies a context). */
  context?: Context;
}

/** Where an item or a stage sits: stage, Stille Post iteration, output loop. */
export interface StagePosition {
  stage: number;
  iteration?: number | null;
  loop?: number | null;
}

/** What the run spans are opened with. */
export interface RunSpansOptions {
  tracer: Tracer;
  executionId: string;
  /** The run's span name, e.g. `execution dada`. */
  name: string;
  /** Run attributes, set once on the run span and once on the start span. */
  runAttributes: Attributes;
  parentContext: Context;
  startTime: HrTime;
  maxEventsPerSpan: number;
}

/** Span names are operations (Jaeger groups by them); positions and config names are attributes. */
export const STAGE_SPAN_NAMES: Readonly<Record<number, string>> = {
  1: 'stage1 pre-interception',
  2: 'stage2 interception',
  3: 'stage3 pre-output safety',
  4: 'stage4 generation',
};
export const ITERATION_SPAN_NAME = 'stage2 iteration';
export const START_SPAN_NAME = 'pipeline start';

/** Keys of the first Stille Post iterations, made once (a key is looked up at every item). */
const ITERATION_KEYS = Array.from({ length: 64 }, (_, i) => `2.i${i}`);

function keyOf({ stage, iteration, loop }: StagePosition): string {
  if (stage === 2 && iteration != null) return ITERATION_KEYS[iteration] ?? `2.i${iteration}`;
  if (stage >= 3 && loop != null) return `${stage}.l${loop}`;
  return String(stage);
}

/**
 * The spans of one run, their only owner: the run span, the start span (ended at once, so the
 * first checkpoint holds the input), one span per stage 1 and 2, one per Stille Post iteration
 * (child of stage 2), one per stage 3 and 4 output loop; stage 0 and 5 items go on the run span.
 * Spans opened implicitly (by an item or the cursor form) end when the run moves to another
 * stage; explicit ones (structured form) end when their function settles.
 */
export class RunSpans {
  private readonly open = new Map<string, TrackedSpan>();
  private readonly completed = new Set<number>();
  readonly tracer: Tracer;
  readonly root: TrackedSpan;
  readonly start: TrackedSpan;
  readonly rootContext: Context;
  private readonly executionId: string;
  private readonly maxEventsPerSpan: number;

  constructor(o: RunSpansOptions) {
    this.tracer = o.tracer;
    this.executionId = o.executionId;
    this.maxEventsPerSpan = o.maxEventsPerSpan;
    const rootSpan = o.tracer.startSpan(
      o.name,
      {
        attributes: { ...o.runAttributes, [A.ATTR_SPAN_ROLE]: A.ROLE_RUN },
        startTime: o.startTime,
      },
      o.parentContext,
    );
    this.root = this.track('root', 5, o.name, {}, rootSpan, true);
    this.rootContext = trace.setSpan(o.parentContext, rootSpan);
    this.root.context = this.rootContext;
    const startSpan = o.tracer.startSpan(
      START_SPAN_NAME,
      {
        attributes: { ...o.runAttributes, [A.ATTR_SPAN_ROLE]: A.ROLE_START, [A.ATTR_STAGE]: 0 },
        startTime: o.startTime,
      },
      this.rootContext,
    );
    this.start = this.track('0', 0, START_SPAN_NAME, {}, startSpan, true);
  }

  get traceId(): string {
    return this.root.spans[0]!.spanContext().traceId;
  }

  /** Stages whose span ended without error, ascending. */
  stagesCompleted(): number[] {
    return [...this.completed].sort((a, b) => a - b);
  }

  /** The open span at `position`, if any (the run span for stages 0 and 5). */
  find(position: StagePosition): TrackedSpan | undefined {
    if (position.stage <= 0 || position.stage >= 5) return this.root;
    return this.open.get(keyOf(position));
  }

  /** The span an item at `position` goes on, opening it implicitly when needed. */
  target(position: StagePosition): TrackedSpan {
    return this.find(position) ?? this.begin(position, false);
  }

  /** Opens the span at `position` (ending implicit spans of other stages first). */
  begin(position: StagePosition, explicit: boolean, extra?: Attributes): TrackedSpan {
    const key = keyOf(position);
    const existing = this.open.get(key);
    if (existing) this.end(existing);
    const isIteration = key.startsWith('2.i');
    let parent: TrackedSpan = this.root;
    if (isIteration) {
      parent = this.target({ stage: 2 });
      this.endImplicit((t) => t.key.startsWith('2.i'));
    } else {
      this.endImplicit((t) => t.key !== key);
    }
    const attributes: Attributes = {
      [A.ATTR_EXECUTION_ID]: this.executionId,
      [A.ATTR_SPAN_ROLE]: isIteration ? A.ROLE_ITERATION : A.ROLE_STAGE,
      [A.ATTR_STAGE]: position.stage,
      ...extra,
    };
    if (isIteration) attributes[A.ATTR_STAGE_ITERATION] = position.iteration!;
    if (position.loop != null && position.stage >= 3)
      attributes[A.ATTR_LOOP_ITERATION] = position.loop;
    const name = isIteration
      ? ITERATION_SPAN_NAME
      : (STAGE_SPAN_NAMES[position.stage] ?? `stage${position.stage}`);
    // One reading for the span's start and the start its items' execution times count from.
    const startMs = performance.now();
    const span = this.tracer.startSpan(
      name,
      { attributes, startTime: hrAt(startMs) },
      this.contextOf(parent),
    );
    const tracked = this.track(key, position.stage, name, attributes, span, explicit, startMs);
    this.open.set(key, tracked);
    return tracked;
  }

  /** Ends a tracked span and its children; an error is recorded on it and the stage is not counted. */
  end(tracked: TrackedSpan, error?: unknown): void {
    if (this.open.get(tracked.key) !== tracked) return;
    // A stage's key has no dot; its iterations and loops are `<stage>.…` (a Map's iteration
    // skips the entries deleted as it goes, so no copy is made).
    const { key } = tracked;
    if (!key.includes('.')) {
      for (const child of this.open.values()) {
        if (child.key.charCodeAt(key.length) === 46 && child.key.startsWith(key)) this.end(child);
      }
    }
    this.open.delete(tracked.key);
    if (error !== undefined) recordSpanError(tracked.spans[0]!, error);
    else if (!tracked.key.includes('.i')) this.completed.add(tracked.stage);
    this.endSpans(tracked);
  }

  /** Ends the start span (right after its items). */
  endStart(): void {
    this.endSpans(this.start);
  }

  /** Ends every open span, then the run span. */
  endRun(): void {
    for (const t of this.open.values()) this.end(t);
    this.endSpans(this.root);
  }

  /** Adds an event, rolling over to a continuation span when the span is full. */
  addEvent(tracked: TrackedSpan, name: string, attributes: Attributes, time: HrTime): void {
    if (tracked.events >= this.maxEventsPerSpan) {
      const last = tracked.spans.at(-1)!;
      const cont = this.tracer.startSpan(
        `${tracked.name} (continued)`,
        {
          attributes: { ...tracked.attributes, [A.ATTR_SPAN_ROLE]: A.ROLE_CONTINUATION },
          startTime: hrNow(),
        },
        trace.setSpan(this.rootContext, last),
      );
      tracked.spans.push(cont);
      tracked.events = 0;
    }
    tracked.spans.at(-1)!.addEvent(name, attributes, time);
    tracked.events += 1;
  }

  /** The context in which children of `tracked` start. */
  contextOf(tracked: TrackedSpan): Context {
    return (tracked.context ??= trace.setSpan(this.rootContext, tracked.spans[0]!));
  }

  /** The innermost open span of this run in the active context, else the run span. */
  activeOrRoot(): Span {
    const active = trace.getSpan(context.active());
    if (active && active.spanContext().traceId === this.traceId) return active;
    return this.root.spans[0]!;
  }

  private track(
    key: string,
    stage: number,
    name: string,
    attributes: Attributes,
    span: Span,
    explicit: boolean,
    startMs = performance.now(),
  ): TrackedSpan {
    return {
      key,
      stage,
      name,
      attributes,
      spans: [span],
      startMs,
      explicit,
      events: 0,
    };
  }

  private endSpans(tracked: TrackedSpan): void {
    const now = hrNow();
    for (let i = tracked.spans.length - 1; i >= 0; i--) tracked.spans[i]!.end(now);
  }

  private endImplicit(which: (t: TrackedSpan) => boolean): void {
    for (const t of this.open.values()) {
      if (!t.explicit && which(t)) this.end(t);
    }
  }
}
