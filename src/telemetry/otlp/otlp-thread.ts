import { diag, type HrTime, type Link, type SpanStatus } from '@opentelemetry/api';
import type { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { BufferConfig, ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { OtlpProtocol } from './otlp-path.js';

/** The OTLP/HTTP exporter's options (url, headers, time limit). */
export type OtlpExporterConfig = NonNullable<ConstructorParameters<typeof OTLPTraceExporter>[0]>;

/** How the OTLP thread batches and exports: the SDK's own options, passed through. */
export interface OtlpThreadConfig {
  protocol: OtlpProtocol;
  /** The OTLP/HTTP exporter's options. */
  exporter: OtlpExporterConfig;
  /** The batch span processor's options. */
  batch: BufferConfig;
}

/** What the thread reports: each export's outcome, and that it stopped. */
export interface OtlpThreadEvents {
  /** An export of `count` spans succeeded (`error` null) or failed. */
  exported(count: number, error: string | null): void;
  /** The thread stopped without being shut down; what it held was not exported. */
  stopped(): void;
}

/**
 * A span as it crosses to the thread: plain data only (a span's `spanContext()` and its
 * resource's methods cannot be sent). Resources and scopes go once each, by number.
 */
type WireSpan = [
  traceId: string,
  spanId: string,
  traceFlags: number,
  traceState: string | null,
  parent: [spanId: string, isRemote: boolean] | null,
  name: string,
  kind: number,
  startTime: HrTime,
  endTime: HrTime,
  attributes: ReadableSpan['attributes'],
  droppedAttributesCount: number,
  events: TimedEvent[],
  droppedEventsCount: number,
  links: WireLink[],
  droppedLinksCount: number,
  status: SpanStatus,
  resource: number,
  scope: number,
];
type WireLink = [
  traceId: string,
  spanId: string,
  traceFlags: number,
  traceState: string | null,
  isRemote: boolean,
  attributes: Link['attributes'],
  droppedAttributesCount: number,
];

/**
 * The thread (plain JavaScript, the same from the sources, the tests and the build): the SDK's
 * batch span processor and OTLP/HTTP exporter, loaded from the module paths it is given,
 * export the spans it is sent (as objects with what the exporter reads of a span) and report
 * each export's outcome.
 */
const CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const { diag, DiagLogLevel } = require(workerData.api);
const { BatchSpanProcessor } = require(workerData.sdk);
// The exporter's warnings and errors go to the pipeline thread's diag (its log), errors as data.
const plain = (a) =>
  a instanceof Error ? { error: { message: a.message, code: a.code, name: a.name } }
  : typeof a === 'object' && a !== null ? String(a) : a;
const forward = (level) => (...args) => parentPort.postMessage({ t: 'diag', level, args: args.map(plain) });
const ignore = () => {};
diag.setLogger(
  { error: forward('error'), warn: forward('warn'), info: ignore, debug: ignore, verbose: ignore },
  { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
);
const { OTLPTraceExporter } = require(workerData.exporter);
const otlp = new OTLPTraceExporter(workerData.config);
const report = {
  export(spans, done) {
    otlp.export(spans, (r) => {
      const e = r.error;
      parentPort.postMessage({ t: 'exported', n: spans.length, error: r.code === 0 ? null : String((e && e.message) || e || 'export failed') });
      done(r);
    });
  },
  shutdown: () => otlp.shutdown(),
  forceFlush: () => otlp.forceFlush(),
};
const batch = new BatchSpanProcessor(report, workerData.batch);
const resources = new Map();
const scopes = new Map();
const state = (s) => (s === null ? undefined : { serialize: () => s });
function span(w) {
  const ctx = { traceId: w[0], spanId: w[1], traceFlags: w[2], traceState: state(w[3]) };
  return {
    spanContext: () => ctx,
    parentSpanContext: w[4] ? { traceId: w[0], spanId: w[4][0], traceFlags: w[2], isRemote: w[4][1] } : undefined,
    name: w[5], kind: w[6], startTime: w[7], endTime: w[8],
    attributes: w[9], droppedAttributesCount: w[10],
    events: w[11], droppedEventsCount: w[12],
    links: w[13].map((l) => ({
      context: { traceId: l[0], spanId: l[1], traceFlags: l[2], traceState: state(l[3]), isRemote: l[4] },
      attributes: l[5], droppedAttributesCount: l[6],
    })),
    droppedLinksCount: w[14], status: w[15],
    resource: resources.get(w[16]), instrumentationScope: scopes.get(w[17]),
    ended: true,
  };
}
const answer = (seq, error) => parentPort.postMessage({ t: 'answer', seq, error });
parentPort.on('message', (m) => {
  if (m.t === 'spans') {
    for (const [id, r] of m.resources) resources.set(id, r);
    for (const [id, s] of m.scopes) scopes.set(id, s);
    for (const w of m.spans) batch.onEnd(span(w));
  } else if (m.t === 'flush') {
    batch.forceFlush().then(() => answer(m.seq, null), (e) => answer(m.seq, String(e && e.message)));
  } else if (m.t === 'shutdown') {
    batch.shutdown().then(() => answer(m.seq, null), (e) => answer(m.seq, String(e && e.message)));
  }
});
`;

/** A `diag` call of the thread, made again here (its errors rebuilt, with their codes). */
function diagHere(level: 'warn' | 'error', args: unknown[]): void {
  const [first, ...rest] = args.map((a) => {
    const e = (a as { error?: { message: string; code?: string; name?: string } } | null)?.error;
    if (typeof a !== 'object' || !e) return a;
    const error: NodeJS.ErrnoException = new Error(e.message);
    if (e.name) error.name = e.name;
    if (e.code) error.code = e.code;
    return error;
  });
  diag[level](String(first), ...rest);
}

type Message =
  | { t: 'exported'; n: number; error: string | null }
  | { t: 'diag'; level: 'warn' | 'error'; args: unknown[] }
  | { t: 'answer'; seq: number; error: string | null };

/**
 * The OTLP path's batching, protobuf (or JSON) encoding and HTTP requests on a thread of their
 * own. The pipeline's thread only copies each ended span's data into one message a few
 * milliseconds later (a tenth of the encoding's cost), so the span objects die young instead
 * of waiting for their batch; the thread reports every export's outcome back for `/health`.
 */
export class OtlpThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, (error: string | null) => void>();
  private readonly resourceIds = new WeakMap<object, number>();
  private readonly scopeIds = new WeakMap<object, number>();
  private ids = 0;
  private seq = 0;
  private closing = false;
  private down = false;

  constructor(
    config: OtlpThreadConfig,
    private readonly events: OtlpThreadEvents,
  ) {
    const require = createRequire(import.meta.url);
    this.worker = new Worker(CODE, {
      eval: true,
      name: 'otlp-exporter',
      workerData: {
        api: require.resolve('@opentelemetry/api'),
        sdk: require.resolve('@opentelemetry/sdk-trace-base'),
        exporter: require.resolve(
          config.protocol === 'http/json'
            ? '@opentelemetry/exporter-trace-otlp-http'
            : '@opentelemetry/exporter-trace-otlp-proto',
        ),
        config: config.exporter,
        batch: config.batch,
      },
    });
    this.worker.unref();
    this.worker.on('message', (m: Message) => this.receive(m));
    this.worker.on('error', () => this.stop());
    this.worker.on('exit', () => this.stop());
  }

  /** False once the thread has stopped (or is shutting down): send nothing more. */
  get running(): boolean {
    return !this.down && !this.closing;
  }

  /** Sends ended spans to the thread's batch, in one message. */
  send(spans: readonly ReadableSpan[]): void {
    const resources: [number, unknown][] = [];
    const scopes: [number, unknown][] = [];
    const wire = spans.map((s) => this.wire(s, resources, scopes));
    this.worker.postMessage({ t: 'spans', spans: wire, resources, scopes });
  }

  /** Resolves once every span sent so far has been exported; rejects if an export failed. */
  flush(): Promise<void> {
    return this.ask('flush');
  }

  /** Exports what is left and stops the thread (stopped too when that export fails). */
  async shutdown(): Promise<void> {
    try {
      await this.ask('shutdown');
    } finally {
      this.closing = true;
      await this.worker.terminate();
    }
  }

  private ask(t: 'flush' | 'shutdown'): Promise<void> {
    if (this.down) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const seq = (this.seq += 1);
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(seq, (error) => (error === null ? resolve() : reject(new Error(error))));
      this.worker.postMessage({ t, seq });
    });
  }

  private receive(m: Message): void {
    if (m.t === 'exported') return this.events.exported(m.n, m.error);
    if (m.t === 'diag') return diagHere(m.level, m.args);
    const settle = this.waiting.get(m.seq);
    if (!settle) return;
    this.waiting.delete(m.seq);
    if (this.waiting.size === 0) this.worker.unref();
    settle(m.error);
  }

  /** The thread stopped: whoever waits on it is answered, the owner told unless shutting down. */
  private stop(): void {
    if (this.down) return;
    this.down = true;
    for (const settle of this.waiting.values()) settle(null);
    this.waiting.clear();
    if (!this.closing) this.events.stopped();
  }

  private wire(
    span: ReadableSpan,
    resources: [number, unknown][],
    scopes: [number, unknown][],
  ): WireSpan {
    const c = span.spanContext();
    const p = span.parentSpanContext;
    return [
      c.traceId,
      c.spanId,
      c.traceFlags,
      c.traceState?.serialize() ?? null,
      p ? [p.spanId, p.isRemote ?? false] : null,
      span.name,
      span.kind,
      span.startTime,
      span.endTime,
      span.attributes,
      span.droppedAttributesCount,
      span.events,
      span.droppedEventsCount,
      span.links.map((l) => [
        l.context.traceId,
        l.context.spanId,
        l.context.traceFlags,
        l.context.traceState?.serialize() ?? null,
        l.context.isRemote ?? false,
        l.attributes,
        l.droppedAttributesCount ?? 0,
      ]),
      span.droppedLinksCount,
      span.status,
      this.idOf(this.resourceIds, span.resource, resources, () => ({
        attributes: span.resource.attributes,
        schemaUrl: span.resource.schemaUrl,
      })),
      this.idOf(this.scopeIds, span.instrumentationScope, scopes, () => ({
        ...span.instrumentationScope,
      })),
    ];
  }

  /** The number of `key` on the thread; a new one is added to `fresh`, to be sent once. */
  private idOf(
    ids: WeakMap<object, number>,
    key: object,
    fresh: [number, unknown][],
    data: () => unknown,
  ): number {
    let id = ids.get(key);
    if (id === undefined) {
      id = this.ids += 1;
      ids.set(key, id);
      fresh.push([id, data()]);
    }
    return id;
  }
}
