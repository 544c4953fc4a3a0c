import { context, diag, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { RUN_DEFAULTS } from '../domain/run-defaults.js';
import { pseudonym } from '../domain/study-pseudonym.js';
import type { RecordStore } from '../store/record-store.js';
import { TRACER_NAME } from './tracker/attributes.js';
import { ExecutionRecordExporter } from './record/execution-record-exporter.js';
import { RecordSpanProcessor } from './record/record-span-processor.js';
import { RunAssembler, type RunAssemblerOptions } from './record/run-assembler.js';
import { ExecutionTracker, type ExecutionTrackerOptions } from './tracker/execution-tracker.js';
import { OtlpPath, type OtlpPathOptions } from './otlp/otlp-path.js';
import { processResourceAttributes } from './otlp/process-resource.js';

const log = diag.createComponentLogger({ namespace: 'tracing' });

/** Options of `createTracing`. */
export interface TracingOptions {
  /** `service.name`; default `execution-history`. */
  serviceName?: string;
  /** More resource attributes (`OTEL_RESOURCE_ATTRIBUTES`); default none. */
  resourceAttributes?: Readonly<Record<string, string>>;
  /** Where the record path saves ExecutionRecords. */
  store: RecordStore;
  /** Record path options besides the store. */
  record?: Omit<RunAssemblerOptions, 'store'>;
  /** The OTLP path; absent or null: off. */
  otlp?: OtlpPathOptions | null;
  /** Span event limit (and the tracker's roll-over point); default 1,024. */
  maxEventsPerSpan?: number;
  /** How long shutdown waits for the OTLP path; default 5,000 ms. */
  shutdownTimeoutMillis?: number;
  /** Extra span processors (tests: an in-memory exporter). */
  extraProcessors?: SpanProcessor[];
  /**
   * Study key of `gen_ai.conversation.id`: each run's is its session's study pseudonym under
   * this key (the one a pseudonymised bundle shows); default none (no conversation id).
   */
  studyKey?: string;
}

/** The tracer provider with its two independent paths. */
export interface Tracing {
  tracer: Tracer;
  provider: NodeTracerProvider;
  /** The record path: spans in, saved records out, and the promises an answer waits on. */
  assembler: RunAssembler;
  /** The record path's exporter (feeds `assembler`). */
  recordExporter: ExecutionRecordExporter;
  otlp: OtlpPath | null;
  maxEventsPerSpan: number;
  /** Starts tracking a run on this provider. */
  startRun(options: Omit<ExecutionTrackerOptions, 'tracer' | 'maxEventsPerSpan'>): ExecutionTracker;
  /** Flushes both paths (the OTLP path within the shutdown time limit). */
  forceFlush(): Promise<void>;
  /** Flushes and stops both paths; resolves with the ids of records still unsaved. Idempotent. */
  shutdown(): Promise<string[]>;
}

let contextManagerReady = false;

/** Makes `context.with` follow async calls (AsyncLocalStorage); once per process. */
export function ensureContextManager(): void {
  if (contextManagerReady) return;
  contextManagerReady = true;
  if (!context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())) {
    log.debug('a global context manager was already set; keeping it');
  }
}

function within<T>(promise: Promise<T>, millis: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn(`${what} did not finish within ${millis} ms; going on without it`);
      resolve();
    }, millis);
    timer.unref();
  });
  const work = promise.then(
    () => undefined,
    (error: unknown) => log.error(`${what} failed`, error),
  );
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/**
 * Builds the tracer provider: the record path (ExecutionRecordExporter behind a
 * RecordSpanProcessor, so a stage's spans reach it as they end) and, when configured, the OTLP
 * path (batched, bounded, never waited on by the pipeline). Every span is sampled: the record
 * path needs all of them.
 */
export function createTracing(options: TracingOptions): Tracing {
  ensureContextManager();
  const maxEventsPerSpan = options.maxEventsPerSpan ?? 1_024;
  const limit = options.shutdownTimeoutMillis ?? 5_000;
  const assembler = new RunAssembler({
    shutdownFlushMillis: limit,
    ...options.record,
    store: options.store,
  });
  const recordExporter = new ExecutionRecordExporter(assembler);
  const otlp = options.otlp ? new OtlpPath(options.otlp) : null;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes(
      processResourceAttributes({
        serviceName: options.serviceName,
        attributes: options.resourceAttributes,
      }),
    ),
    sampler: new AlwaysOnSampler(),
    // Explicit, so `OTEL_ATTRIBUTE_*_LIMIT` variables meant for other services cannot cut the
    // record path's attributes (a cut execution id loses the run; a cut content, a child's words).
    spanLimits: {
      eventCountLimit: maxEventsPerSpan,
      attributeValueLengthLimit: Infinity,
      attributeCountLimit: 128,
      attributePerEventCountLimit: 128,
    },
    spanProcessors: [
      new RecordSpanProcessor(recordExporter),
      ...(otlp ? [otlp] : []),
      ...(options.extraProcessors ?? []),
    ],
  });
  let shutdownPromise: Promise<string[]> | undefined;
  const { studyKey } = options;
  const conversationIdOf = (sessionId: string | undefined): string | undefined =>
    studyKey ? pseudonym(studyKey, 'session_id', sessionId ?? RUN_DEFAULTS.sessionId) : undefined;
  const tracer = provider.getTracer(TRACER_NAME);
  return {
    tracer,
    provider,
    assembler,
    recordExporter,
    otlp,
    maxEventsPerSpan,
    startRun: (run) =>
      ExecutionTracker.start({
        ...run,
        tracer,
        maxEventsPerSpan,
        conversationId: run.conversationId ?? conversationIdOf(run.sessionId),
      }),
    async forceFlush() {
      await recordExporter.forceFlush();
      if (otlp) await within(otlp.forceFlush(), limit, 'OTLP flush');
    },
    shutdown() {
      shutdownPromise ??= (async () => {
        await recordExporter.forceFlush();
        await within(provider.shutdown(), limit, 'tracer provider shutdown');
        return assembler.drain();
      })();
      return shutdownPromise;
    },
  };
}
