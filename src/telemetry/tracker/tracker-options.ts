import { context, trace, type Attributes, type Context, type Tracer } from '@opentelemetry/api';
import { ExecutionIdGenerator } from '../../domain/execution-id.js';
import type { RunFields } from './run-info.js';
import type { ItemListener, RunRecorderOptions, StageFailure } from './run-recorder.js';

const defaultIds = new ExecutionIdGenerator();

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
  /**
   * `gen_ai.conversation.id` of the run's GenAI spans: the session's study pseudonym
   * (`conversationIdOf`); default none (never the raw session or user id).
   */
  conversationId?: string;
}

/** Options of `inStage`. */
export interface StageOptions {
  /** Stage 3 and 4: the output loop index, 1..N. */
  loop?: number;
  /** Stage 3 and 4: the output config, an attribute of the stage span. */
  outputConfig?: string;
  /** More attributes of the stage span (e.g. the GenAI guardrail profile); default none. */
  attributes?: Attributes;
  /**
   * How a failure of this stage is recorded (as a `pipeline_error` item on this stage's span):
   * `recoverable` when the run goes on without it (default false: the run fails).
   */
  failure?: StageFailure;
}

/** What the run's recorder is built with: the options, their defaults applied once. */
export function recorderOptions(options: ExecutionTrackerOptions): RunRecorderOptions {
  return {
    ...options,
    ids: options.idGenerator ?? defaultIds,
    maxEventsPerSpan: options.maxEventsPerSpan ?? 128,
    parentContext: options.parentContext ?? context.active(),
  };
}

/** The same run untraced (a no-op tracer, its own ids, no listener): when tracking cannot start. */
export function untracedOptions(options: ExecutionTrackerOptions): ExecutionTrackerOptions {
  return {
    ...options,
    tracer: trace.getTracer('noop'),
    idGenerator: new ExecutionIdGenerator(),
    onItem: undefined,
  };
}
