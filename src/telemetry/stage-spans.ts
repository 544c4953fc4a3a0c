import {
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import { hrNow } from './clock.js';
import { recordSpanError } from './span-error.js';
import {
  ATTR_EXECUTION_ID,
  ATTR_LOOP_ITERATION,
  ATTR_SPAN_ROLE,
  ATTR_STAGE,
  ATTR_STAGE_ITERATION,
  ROLE_CONTINUATION,
  ROLE_ITERATION,
  ROLE_STAGE,
} from './attributes.js';

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
}

/** Where an item or a stage sits: stage, Stille Post iteration, output loop. */
export interface StagePosition {
  stage: number;
  iteration?: number | null;
  loop?: number | null;
}

const STAGE_NAMES: Record<number, string> = {
  1: 'stage1 pre-interception',
  2: 'stage2 interception',
  3: 'stage3 pre-output safety',
  4: 'stage4 generation',
};

function keyOf({ stage, iteration, loop }: StagePosition): string {
  if (stage === 2 && iteration != null) return `2.i${iteration}`;
  if (stage >= 3 && loop != null) return `${stage}.l${loop}`;
  return String(stage);
}

/**
 * Opens, finds and ends a run's stage spans: one per stage 1 and 2, one per Stille Post iteration
 * (child of stage 2), one per stage 3 and 4 output loop; stage 0 and 5 items go on the run span.
 * Spans opened implicitly (by an item or `setStage`) end when the run moves to another stage;
 * explicit ones (structured form) end when their function settles.
 */
export class StageSpans {
  private readonly open = new Map<string, TrackedSpan>();
  private readonly completed = new Set<number>();
  readonly root: TrackedSpan;

  constructor(
    readonly tracer: Tracer,
    rootSpan: Span,
    readonly rootContext: Context,
    private readonly executionId: string,
    private readonly maxEventsPerSpan: number,
  ) {
    this.root = {
      key: 'root',
      stage: 5,
      name: 'run',
      attributes: {},
      spans: [rootSpan],
      startMs: performance.now(),
      explicit: true,
      events: 0,
    };
  }

  /** Stages whose span ended without error, ascending. */
  stagesCompleted(): number[] {
    return [...this.completed].sort((a, b) => a - b);
  }

  /** The span an item at `position` goes on, opening it implicitly when needed. */
  target(position: StagePosition): TrackedSpan {
    if (position.stage <= 0 || position.stage >= 5) return this.root;
    return this.open.get(keyOf(position)) ?? this.begin(position, false);
  }

  /** Opens the span at `position` (ending implicit spans of other stages first). */
  begin(position: StagePosition, explicit: boolean): TrackedSpan {
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
      [ATTR_EXECUTION_ID]: this.executionId,
      [ATTR_SPAN_ROLE]: isIteration ? ROLE_ITERATION : ROLE_STAGE,
      [ATTR_STAGE]: position.stage,
    };
    if (isIteration) attributes[ATTR_STAGE_ITERATION] = position.iteration!;
    if (position.loop != null && position.stage >= 3)
      attributes[ATTR_LOOP_ITERATION] = position.loop;
    const base = STAGE_NAMES[position.stage] ?? `stage${position.stage}`;
    const name = isIteration
      ? `stage2 iteration ${position.iteration}`
      : position.stage >= 3 && position.loop != null
        ? `${base} #${position.loop}`
        : base;
    const span = this.tracer.startSpan(
      name,
      { attributes, startTime: hrNow() },
      this.contextOf(parent),
    );
    const tracked: TrackedSpan = {
      key,
      stage: position.stage,
      name,
      attributes,
      spans: [span],
      startMs: performance.now(),
      explicit,
      events: 0,
    };
    this.open.set(key, tracked);
    return tracked;
  }

  /** Ends a tracked span and its children; an error is recorded on it and the stage is not counted. */
  end(tracked: TrackedSpan, error?: unknown): void {
    if (this.open.get(tracked.key) !== tracked) return;
    for (const child of [...this.open.values()]) {
      if (child.key.startsWith(`${tracked.key}.`)) this.end(child);
    }
    this.open.delete(tracked.key);
    const main = tracked.spans[0]!;
    if (error !== undefined) {
      recordSpanError(main, error);
    } else if (!tracked.key.includes('.i')) {
      this.completed.add(tracked.stage);
    }
    const now = hrNow();
    for (let i = tracked.spans.length - 1; i >= 0; i--) tracked.spans[i]!.end(now);
  }

  /** Ends every open span (the run span excepted). */
  endAll(): void {
    for (const t of [...this.open.values()]) this.end(t);
  }

  /** Adds an event, rolling over to a continuation span when the span is full. */
  addEvent(
    tracked: TrackedSpan,
    name: string,
    attributes: Attributes,
    time: [number, number],
  ): void {
    if (tracked.events >= this.maxEventsPerSpan) {
      const last = tracked.spans.at(-1)!;
      const cont = this.tracer.startSpan(
        `${tracked.name} (continued)`,
        {
          attributes: { ...tracked.attributes, [ATTR_SPAN_ROLE]: ROLE_CONTINUATION },
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
    return trace.setSpan(this.rootContext, tracked.spans[0]!);
  }

  /** The innermost open span of this run in the active context, else the run span. */
  activeOrRoot(): Span {
    const active = trace.getSpan(context.active());
    if (active && active.spanContext().traceId === this.root.spans[0]!.spanContext().traceId)
      return active;
    return this.root.spans[0]!;
  }

  private endImplicit(which: (t: TrackedSpan) => boolean): void {
    for (const t of [...this.open.values()]) {
      if (!t.explicit && which(t) && this.open.has(t.key)) this.end(t);
    }
  }
}
