import { context, diag, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import {
  ExportResultCode,
  globalErrorHandler,
  suppressTracing,
  type ExportResult,
} from '@opentelemetry/core';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ExecutionRecordExporter } from './execution-record-exporter.js';

const log = diag.createComponentLogger({ namespace: 'record-span-processor' });

/** The context the exporter runs in: tracing suppressed, no run's context carried into saves. */
const SUPPRESSED = suppressTracing(ROOT_CONTEXT);

/**
 * The record path's span processor: hands each sampled span to the record exporter as it ends,
 * in the span's own turn, as the SDK's `SimpleSpanProcessor` does, but without the promises that
 * one makes per span (an async export, a pending set, self-observability metrics): the exporter
 * answers synchronously when a span starts no save, and a save's failure is reported once.
 * Failures go to the global error handler, as with the SDK's processors.
 */
export class RecordSpanProcessor implements SpanProcessor {
  private isShutdown = false;

  constructor(private readonly exporter: ExecutionRecordExporter) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.isShutdown || (span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (span.resource.asyncAttributesPending) {
      void span.resource
        .waitForAsyncAttributes?.()
        .then(() => this.export(span), globalErrorHandler);
      return;
    }
    this.export(span);
  }

  forceFlush(): Promise<void> {
    return this.exporter.forceFlush();
  }

  shutdown(): Promise<void> {
    this.isShutdown = true;
    return this.exporter.shutdown();
  }

  private export(span: ReadableSpan): void {
    try {
      context.with(SUPPRESSED, () => this.exporter.export([span], report));
    } catch (error) {
      log.error('the record exporter threw', error);
    }
  }
}

function report(result: ExportResult): void {
  if (result.code === ExportResultCode.SUCCESS) return;
  globalErrorHandler(result.error ?? new Error('record export failed'));
}
