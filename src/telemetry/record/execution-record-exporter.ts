import { diag } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { RecordSpool } from '../../store/record-spool.js';
import { RunAssembler, type RecordPathStats, type RunAssemblerOptions } from './run-assembler.js';

export type { ExportReport, RunSubject } from './run-assembler.js';
/** Options of `ExecutionRecordExporter` (those of the run assembler it builds). */
export type ExecutionRecordExporterOptions = RunAssemblerOptions;
/** Counters for health checks. */
export type RecordExporterStats = RecordPathStats;

const log = diag.createComponentLogger({ namespace: 'execution-record-exporter' });

/**
 * The record path's `SpanExporter`: hands each batch of ended spans to a `RunAssembler`, which
 * turns them into saved ExecutionRecords, and reports the outcome through the callback exactly
 * once. Export after shutdown is FAILED; a second shutdown is harmless.
 */
export class ExecutionRecordExporter implements SpanExporter {
  readonly assembler: RunAssembler;
  /** Saves an export already waits on: a later export sharing one does not wait (or report) again. */
  private readonly waited = new WeakSet<Promise<unknown>>();

  /** Builds its own assembler from `options`, or feeds the one given. */
  constructor(source: RunAssembler | ExecutionRecordExporterOptions) {
    this.assembler = source instanceof RunAssembler ? source : new RunAssembler(source);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let called = false;
    const done = (result: ExportResult): void => {
      if (called) return;
      called = true;
      try {
        resultCallback(result);
      } catch (error) {
        log.error('export result callback threw', error);
      }
    };
    let report;
    try {
      report = this.assembler.acceptNow(spans, this.waited);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: asError(error) });
      return;
    }
    if (!(report instanceof Promise)) {
      done(report.result);
      return;
    }
    report.then(
      (r) => done(r.result),
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: asError(error) }),
    );
  }

  /** Saves pending checkpoints and waits for every save under way. */
  forceFlush(): Promise<void> {
    return this.assembler.forceFlush();
  }

  /** Drains the assembler (open runs saved as `incomplete`, held records retried). */
  async shutdown(): Promise<void> {
    await this.assembler.drain();
  }

  /** The assembler's counters. */
  stats(): RecordExporterStats {
    return this.assembler.stats();
  }

  /** The assembler's spool (held records, retries). */
  get spool(): RecordSpool {
    return this.assembler.spool;
  }
}

const asError = (error: unknown): Error =>
  error instanceof Error ? error : new Error(String(error));
