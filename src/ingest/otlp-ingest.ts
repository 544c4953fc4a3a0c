import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RecordStore } from '../store/record-store.js';
import { ATTR_EXECUTION_ID } from '../telemetry/attributes.js';
import {
  ExecutionRecordExporter,
  type ExecutionRecordExporterOptions,
  type RecordExporterStats,
} from '../telemetry/execution-record-exporter.js';
import { checkExecutionSpan } from './execution-span-check.js';
import { decodeTraceRequest, type OtlpEncoding } from './otlp-decode.js';
import { toReadableSpans } from './otlp-spans.js';

/** Options of `OtlpIngest`. */
export interface OtlpIngestOptions {
  /** Where the assembled records go (the service's store). */
  store: RecordStore;
  /**
   * Record path options of the ingest exporter; defaults `checkpointDelayMillis` 1,000 (stage
   * ends within a second share one checkpoint, and answers do not wait for checkpoints) and
   * `checkpointAfterStartSpan` true (spans come in any order).
   */
  record?: Omit<ExecutionRecordExporterOptions, 'store'>;
}

/** What one request's spans came to. */
export interface IngestResult {
  accepted: number;
  ignored: number;
  rejected: number;
  /** Why spans were rejected, one message per reason. */
  errors: string[];
  /** False when a record could not be saved yet (the store is failing): the sender should retry. */
  saved: boolean;
}

/** Counters for `/health`. */
export interface OtlpIngestStats {
  requests: number;
  /** Requests answered 4xx before their spans were read (auth, type, size, malformed). */
  requests_refused: number;
  /** Spans of runs (with an `execution.id`) handed to the run buffer. */
  spans_accepted: number;
  /** Well-formed spans without an `execution.id` (not part of any run). */
  spans_ignored: number;
  /** Spans refused (bad ids or times, or not able to become part of a valid record). */
  spans_rejected: number;
  /** Runs whose final record was assembled and saved. */
  records_assembled: number;
  record_path: RecordExporterStats;
}

/**
 * OTLP trace ingest: decodes export requests into ReadableSpans and hands them to an
 * ExecutionRecordExporter of its own (its own run buffer, the same store and the same
 * transform as the in-process record path), so a run's spans arriving over several requests,
 * in any order or late, are assembled into one whole record.
 */
export class OtlpIngest {
  readonly exporter: ExecutionRecordExporter;
  private readonly counters = {
    requests: 0,
    requests_refused: 0,
    spans_accepted: 0,
    spans_ignored: 0,
    spans_rejected: 0,
    records_assembled: 0,
  };

  constructor(options: OtlpIngestOptions) {
    const record = options.record ?? {};
    this.exporter = new ExecutionRecordExporter({
      checkpointDelayMillis: 1_000,
      checkpointAfterStartSpan: true,
      ...record,
      store: options.store,
      onFinished: (id, status, outcome) => {
        if (outcome === 'saved') this.counters.records_assembled += 1;
        record.onFinished?.(id, status, outcome);
      },
    });
  }

  /** Counts a request (call once per request, refused or not). */
  countRequest(): void {
    this.counters.requests += 1;
  }

  /** Counts a request refused before its spans were read. */
  countRefused(): void {
    this.counters.requests_refused += 1;
  }

  /** Decodes one export request body and records its spans; throws `OtlpDecodeError`. */
  async ingest(body: Buffer, encoding: OtlpEncoding): Promise<IngestResult> {
    const { request, ids } = decodeTraceRequest(body, encoding);
    const { spans, rejected, errors } = toReadableSpans(request, ids, checkExecutionSpan);
    const runSpans = spans.filter((s) => typeof s.attributes[ATTR_EXECUTION_ID] === 'string');
    const ignored = spans.length - runSpans.length;
    this.counters.spans_accepted += runSpans.length;
    this.counters.spans_ignored += ignored;
    this.counters.spans_rejected += rejected;
    const result = runSpans.length > 0 ? await this.export(runSpans) : null;
    return {
      accepted: runSpans.length,
      ignored,
      rejected,
      errors,
      saved: result === null || result.code === ExportResultCode.SUCCESS,
    };
  }

  stats(): OtlpIngestStats {
    return { ...this.counters, record_path: this.exporter.stats() };
  }

  /** Saves pending checkpoints and waits for saves under way. */
  forceFlush(): Promise<void> {
    return this.exporter.forceFlush();
  }

  /** Saves open runs as `incomplete` and stops; resolves with the ids still unsaved. */
  shutdown(): Promise<string[]> {
    return this.exporter.drain();
  }

  private export(spans: ReadableSpan[]): Promise<ExportResult> {
    return new Promise((resolve) => this.exporter.export(spans, resolve));
  }
}
