import type { Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type Span,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ContentPolicySpanExporter, type ContentPolicy } from './content-policy.js';
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

/** The OTLP path: a bounded batch processor, content policy, counting, OTLP/HTTP exporter. */
export class OtlpPath implements SpanProcessor {
  private readonly batch: BatchSpanProcessor;
  private readonly maxQueueSize: number;
  /** Spans waiting at most while the collector fails (exports fail). */
  private readonly outageQueueSize: number;
  /** True when the last export failed (none succeeded since). */
  private failing = false;
  private accepted = 0;
  private handedOver = 0;
  private exported = 0;
  private failed = 0;
  private dropped = 0;
  private lastError: string | null = null;
  private lastErrorAt: string | null = null;
  private lastSuccessAt: string | null = null;
  private readonly policy: ContentPolicy;

  constructor(private readonly options: OtlpPathOptions) {
    const timeoutMillis = options.timeoutMillis ?? 5_000;
    this.maxQueueSize = options.maxQueueSize ?? 2_048;
    this.outageQueueSize = Math.min(this.maxQueueSize, options.outageQueueSize ?? 256);
    this.policy = options.contentPolicy ?? 'metadata';
    const Exporter = options.protocol === 'http/json' ? OtlpJsonExporter : OtlpProtobufExporter;
    const otlp =
      options.exporter ??
      new Exporter({ url: options.url, headers: options.headers, timeoutMillis });
    const counting: SpanExporter = {
      export: (spans, done) => this.countedExport(otlp, spans, done),
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
    this.batch = new BatchSpanProcessor(deferred, {
      maxQueueSize: this.maxQueueSize,
      maxExportBatchSize: options.maxExportBatchSize ?? 512,
      scheduledDelayMillis: options.scheduledDelayMillis ?? 200,
      exportTimeoutMillis: timeoutMillis + 1_000,
    });
  }

  onStart(span: Span, parentContext: Context): void {
    this.batch.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    const limit = this.failing ? this.outageQueueSize : this.maxQueueSize;
    if (this.accepted - this.handedOver >= limit) {
      this.dropped += 1;
      return;
    }
    this.accepted += 1;
    this.batch.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.batch.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.batch.shutdown();
  }

  stats(): OtlpStats {
    const state = this.failing ? 'failing' : this.lastSuccessAt ? 'ok' : 'idle';
    return {
      endpoint: redactUrl(this.options.url),
      protocol: this.options.protocol ?? 'http/protobuf',
      content_policy: this.policy,
      state,
      spans_queued: this.accepted - this.handedOver,
      spans_exported: this.exported,
      spans_failed: this.failed,
      spans_dropped: this.dropped,
      last_error: this.lastError === null ? null : redactUrlsIn(this.lastError),
      last_error_at: this.lastErrorAt,
      last_success_at: this.lastSuccessAt,
    };
  }

  private countedExport(
    inner: SpanExporter,
    spans: ReadableSpan[],
    done: (r: ExportResult) => void,
  ): void {
    this.handedOver += spans.length;
    inner.export(spans, (result) => {
      const now = new Date().toISOString();
      if (result.code === ExportResultCode.SUCCESS) {
        this.exported += spans.length;
        this.lastSuccessAt = now;
        this.failing = false;
      } else {
        this.failed += spans.length;
        this.lastError = result.error?.message ?? 'export failed';
        this.lastErrorAt = now;
        this.failing = true;
      }
      done(result);
    });
  }
}
