import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ContentPolicySpanExporter, redactSpan, type ContentPolicy } from './content-policy.js';
import { OtlpThread, type OtlpExporterConfig } from './otlp-thread.js';
import { redactUrl, redactUrlsIn } from './redact-url.js';

/** Options of the OTLP path (spans towards a collector and Jaeger). */
export interface OtlpPathOptions {
  /** Full traces URL, e.g. `http://127.0.0.1:4318/v1/traces`. */
  url: string;
  /** Default `http/protobuf` (the OTLP default; a third less CPU and half the bytes of JSON). */
  protocol?: OtlpProtocol;
  headers?: Record<string, string>;
  /** Default `metadata`: no child's text leaves the process. */
  contentPolicy?: ContentPolicy;
  /** One export request's time limit; default 5,000 ms. */
  timeoutMillis?: number;
  /** Spans waiting for export at most; more are dropped and counted; default 2,048. */
  maxQueueSize?: number;
  /**
   * Spans waiting at most while the collector fails (its last export failed, after the
   * exporter's retries): a sustained outage drops spans either way, and holding thousands of
   * them for seconds costs the pipeline garbage-collection time; default 256.
   */
  outageQueueSize?: number;
  /**
   * Longest wait of a span before its batch is exported; default 200 ms. Spans held for a
   * second outlive the young generation and cost the pipeline old-generation collections
   * (1,000 ms gave 12 % fewer requests a second than 200 ms in bench/server-load).
   */
  scheduledDelayMillis?: number;
  /** Default 512. */
  maxExportBatchSize?: number;
  /** Replaces the OTLP/HTTP exporter (tests); default `OTLPTraceExporter`. */
  exporter?: SpanExporter;
}

/** OTLP over HTTP, with protobuf or JSON bodies. */
export type OtlpProtocol = 'http/protobuf' | 'http/json';

/** What the OTLP path has done, for `/health`. */
export interface OtlpStats {
  endpoint: string;
  protocol: OtlpProtocol;
  content_policy: ContentPolicy;
  state: 'ok' | 'failing' | 'idle';
  spans_queued: number;
  spans_exported: number;
  /** Spans in export requests that failed (collector down, 5xx, 413, time-out). */
  spans_failed: number;
  /** Spans dropped because the queue was full. */
  spans_dropped: number;
  last_error: string | null;
  last_error_at: string | null;
  last_success_at: string | null;
}

/** Spans a message to the OTLP thread carries at most, and the longest a span waits for one. */
const SEND_AT = 256;
const SEND_DELAY_MS = 20;

/**
 * The OTLP path: a bounded queue, content policy, counting, and the SDK's batch processor and
 * OTLP/HTTP exporter on a thread of their own (`OtlpThread`; here again should it stop).
 */
export class OtlpPath implements SpanProcessor {
  /** The thread exporting the spans; null with an exporter given. */
  private readonly thread: OtlpThread | null = null;
  /** The batch processor on this thread: an exporter given, or the thread stopped. */
  private inline: BatchSpanProcessor | null = null;
  /** Ended spans for the thread's next message. */
  private pending: ReadableSpan[] = [];
  private sendTimer: NodeJS.Timeout | undefined;
  private sendNow: NodeJS.Immediate | undefined;
  private readonly protocol: OtlpProtocol;
  private readonly exporterConfig: OtlpExporterConfig;
  private readonly batchConfig: BufferConfig;
  private readonly maxQueueSize: number;
  /** Spans waiting at most while the collector fails (exports fail). */
  private readonly outageQueueSize: number;
  /** True when the last export failed (none succeeded since). */
  private failing = false;
  private shutDown = false;
  private accepted = 0;
  /** Spans exported or failed (or lost with the thread). */
  private settled = 0;
  private exported = 0;
  private failed = 0;
  private dropped = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private lastSuccessAt: string | null = null;
  private readonly policy: ContentPolicy;

  constructor(private readonly options: OtlpPathOptions) {
    this.maxQueueSize = options.maxQueueSize ?? 2_048;
    this.outageQueueSize = Math.min(this.maxQueueSize, options.outageQueueSize ?? 256);
    this.policy = options.contentPolicy ?? 'metadata';
    this.protocol = options.protocol ?? 'http/protobuf';
    const timeoutMillis = options.timeoutMillis ?? 5_000;
    this.exporterConfig = { url: options.url, headers: options.headers, timeoutMillis };
    this.batchConfig = {
      maxQueueSize: this.maxQueueSize,
      maxExportBatchSize: options.maxExportBatchSize ?? 512,
      scheduledDelayMillis: options.scheduledDelayMillis ?? 200,
      exportTimeoutMillis: timeoutMillis + 1_000,
    };
    // An exporter given (tests) runs here; the OTLP/HTTP exporter runs on a thread of its own.
    if (options.exporter) this.inline = this.inlineBatch(options.exporter);
    else
      this.thread = new OtlpThread(
        { protocol: this.protocol, exporter: this.exporterConfig, batch: this.batchConfig },
        {
          exported: (count, error) => this.settle(count, error),
          stopped: () => this.threadStopped(),
        },
      );
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const limit = this.failing ? this.outageQueueSize : this.maxQueueSize;
    // A span that ends after shutdown (its run outlived the server) has nowhere to go.
    if (this.shutDown || this.accepted - this.settled >= limit) {
      this.dropped += 1;
      return;
    }
    this.accepted += 1;
    if (this.inline) return this.inline.onEnd(span);
    this.pending.push(span);
    // A full message goes in a turn of its own, not inside the `span.end()` of the run whose
    // span filled it (copying 256 spans takes most of a millisecond).
    if (this.pending.length >= SEND_AT) this.sendNow ??= setImmediate(() => this.send());
    else this.sendTimer ??= setTimeout(() => this.send(), SEND_DELAY_MS).unref();
  }

  async forceFlush(): Promise<void> {
    this.send();
    if (this.thread?.running) await this.thread.flush();
    await this.inline?.forceFlush();
  }

  async shutdown(): Promise<void> {
    this.shutDown = true;
    this.send();
    if (this.thread?.running) await this.thread.shutdown();
    await this.inline?.shutdown();
  }

  stats(): OtlpStats {
    const state = this.failing ? 'failing' : this.lastSuccessAt ? 'ok' : 'idle';
    return {
      endpoint: redactUrl(this.options.url),
      protocol: this.protocol,
      content_policy: this.policy,
      state,
      spans_queued: this.accepted - this.settled,
      spans_exported: this.exported,
      spans_failed: this.failed,
      spans_dropped: this.dropped,
      last_error: this.lastError === null ? null : redactUrlsIn(this.lastError),
      last_error_at: this.lastErrorAt,
      last_success_at: this.lastSuccessAt,
    };
  }

  /** Ended spans waiting for their message to the thread go (with the content policy). */
  private send(): void {
    if (this.sendTimer) clearTimeout(this.sendTimer);
    if (this.sendNow) clearImmediate(this.sendNow);
    this.sendTimer = undefined;
    this.sendNow = undefined;
    if (this.pending.length === 0) return;
    const spans = this.pending;
    this.pending = [];
    if (!this.thread?.running) {
      for (const span of spans) this.inline!.onEnd(span);
      return;
    }
    try {
      this.thread.send(this.policy === 'full' ? spans : spans.map(redactSpan));
    } catch (error) {
      // A value the message cannot carry (the SDK passes only primitives): lost, counted.
      this.settle(spans.length, `spans not sent to the OTLP thread: ${(error as Error).message}`);
    }
  }

  /** The thread stopped: what it held is counted failed, the rest goes out from here. */
  private threadStopped(): void {
    const lost = this.accepted - this.settled - this.pending.length;
    if (lost > 0) this.settle(lost, 'the OTLP exporter thread stopped');
    const Exporter = this.protocol === 'http/json' ? OtlpJsonExporter : OtlpProtobufExporter;
    const otlp = new Exporter(this.exporterConfig);
    this.inline = this.inlineBatch(otlp);
    this.send();
  }

  /** The batch processor on this thread, before the content policy and `otlp` (counted). */
  private inlineBatch(otlp: SpanExporter): BatchSpanProcessor {
    const counting: SpanExporter = {
      export: (spans, done) =>
        otlp.export(spans, (result) => {
          this.settle(
            spans.length,
            result.code === ExportResultCode.SUCCESS
              ? null
              : (result.error?.message ?? 'export failed'),
          );
          done(result);
        }),
      shutdown: () => otlp.shutdown(),
      forceFlush: () => otlp.forceFlush?.() ?? Promise.resolve(),
    };
    const policed = new ContentPolicySpanExporter(counting, this.policy);
    // The batch processor exports a full batch inside the `span.end()` that filled it: the
    // content policy's copies and the protobuf encoding (milliseconds for 512 spans) would land
    // on one run's request. They start in a turn of their own instead.
    const deferred: SpanExporter = {
      export: (spans, done) => void setImmediate(() => policed.export(spans, done)),
      shutdown: () => policed.shutdown(),
      forceFlush: () => policed.forceFlush(),
    };
    return new BatchSpanProcessor(deferred, this.batchConfig);
  }

  /** `count` spans left the queue: exported (`error` null) or failed. */
  private settle(count: number, error: string | null): void {
    this.settled += count;
    const now = new Date().toISOString();
    if (error === null) {
      this.exported += count;
      this.lastSuccessAt = now;
      this.failing = false;
    } else {
      this.failed += count;
      this.lastError = error;
      this.lastErrorAt = now;
      this.failing = true;
    }
  }
}
