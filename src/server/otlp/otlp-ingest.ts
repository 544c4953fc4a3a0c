import { diag } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OwnershipRefusal } from '../../store/record-ownership.js';
import type { RecordStore } from '../../store/record-store.js';
import { ATTR_EXECUTION_ID } from '../../telemetry/tracker/attributes.js';
import {
  RunAssembler,
  type RecordPathStats,
  type RunAssemblerOptions,
} from '../../telemetry/record/run-assembler.js';
import { BufferFullError, type RefusalReason } from '../../telemetry/record/run-limits.js';
import { checkExecutionSpan } from '../../ingest/execution-span-check.js';
import { INGEST_LIMIT_DEFAULTS, type IngestLimits } from '../../ingest/ingest-limits.js';
import { decodeTraceRequest, type OtlpEncoding } from '../../ingest/otlp-decode.js';
import { toReadableSpans } from '../../ingest/otlp-spans.js';

/** Options of `OtlpIngest`. */
export interface OtlpIngestOptions {
  /** Where the assembled records go (the service's store). */
  store: RecordStore;
  /**
   * Record path options of the ingest's run assembler; defaults `checkpointDelayMillis` 1,000 (stage
   * ends within a second share one checkpoint, and answers do not wait for checkpoints) and
   * `checkpointAfterStartSpan` true (spans come in any order).
   */
  record?: Omit<RunAssemblerOptions, 'store' | 'origin'>;
  /** Bounds per run and in total; each defaults to `INGEST_LIMIT_DEFAULTS`. */
  limits?: Partial<IngestLimits>;
}

const log = diag.createComponentLogger({ namespace: 'otlp-ingest' });

/** What one request's spans came to. */
export interface IngestResult {
  accepted: number;
  ignored: number;
  rejected: number;
  /** Why spans were rejected, one message per reason. */
  errors: string[];
  /** False when a record could not be saved yet (the store is failing): the sender should retry. */
  saved: boolean;
  /** True when nothing was taken because the run buffer is full: the sender should retry later. */
  throttled: boolean;
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
  /** Spans refused by reason: a run's limits, another trace, a pipeline or final record. */
  spans_refused: Record<RefusalReason | OwnershipRefusal, number>;
  /** Requests refused whole (429 / RESOURCE_EXHAUSTED) because the run buffer was full. */
  requests_throttled: number;
  limits: IngestLimits;
  record_path: RecordPathStats;
}

/**
 * OTLP trace ingest: decodes export requests into ReadableSpans and hands them to a
 * RunAssembler of its own (its own run buffer, the same store and the same
 * transform as the in-process record path), so a run's spans arriving over several requests,
 * in any order or late, are assembled into one whole record.
 */
export class OtlpIngest {
  readonly assembler: RunAssembler;
  private readonly counters = {
    requests: 0,
    requests_refused: 0,
    spans_accepted: 0,
    spans_ignored: 0,
    spans_rejected: 0,
    records_assembled: 0,
    requests_throttled: 0,
  };
  private readonly refused: OtlpIngestStats['spans_refused'] = {
    run_spans: 0,
    run_events: 0,
    run_bytes: 0,
    other_trace: 0,
    pipeline_record: 0,
    completed_record: 0,
  };
  readonly limits: IngestLimits;

  constructor(options: OtlpIngestOptions) {
    const record = options.record ?? {};
    this.limits = { ...INGEST_LIMIT_DEFAULTS, ...options.limits };
    this.assembler = new RunAssembler({
      checkpointDelayMillis: 1_000,
      checkpointAfterStartSpan: true,
      ...record,
      ...this.limits,
      origin: 'ingest',
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
    const converted = toReadableSpans(request, ids, checkExecutionSpan);
    const errors = [...converted.errors];
    let rejected = converted.rejected;
    const refuse = (id: string, spans: number, reason: RefusalReason | OwnershipRefusal) => {
      this.refused[reason] += spans;
      rejected += spans;
      const message = `execution.id ${id}: ${spans} spans refused, ${this.explain(reason)}`;
      if (errors.length < 20) errors.push(message);
    };
    const byRun = new Map<string, ReadableSpan[]>();
    let ignored = 0;
    for (const span of converted.spans) {
      const id = span.attributes[ATTR_EXECUTION_ID];
      if (typeof id !== 'string') ignored += 1;
      else {
        const group = byRun.get(id);
        if (group) group.push(span);
        else byRun.set(id, [span]);
      }
    }
    const taken: ReadableSpan[] = [];
    for (const [id, spans] of byRun) {
      const own = spans.filter(
        (s) => !this.assembler.ownership.peek(id, s.spanContext().traceId, 'ingest'),
      );
      const reason = this.assembler.ownership.peek(id, spans[0]!.spanContext().traceId, 'ingest');
      if (own.length < spans.length) refuse(id, spans.length - own.length, reason ?? 'other_trace');
      taken.push(...own);
    }
    this.counters.spans_ignored += ignored;
    this.counters.spans_rejected += converted.rejected;
    const result = { accepted: 0, ignored, rejected, errors, saved: true, throttled: false };
    if (taken.length === 0) return result;
    const report = await this.assembler.accept(taken);
    if (report.result.error instanceof BufferFullError) {
      this.counters.requests_throttled += 1;
      log.debug(`export refused: ${report.result.error.message}`);
      return { ...result, rejected: converted.rejected, errors: converted.errors, throttled: true };
    }
    let refusedHere = 0;
    for (const r of report.refused) {
      refuse(r.executionId, r.spans, r.reason);
      refusedHere += r.spans;
    }
    for (const id of new Set(taken.map((s) => s.attributes[ATTR_EXECUTION_ID] as string))) {
      const reason = this.assembler.ownership.takeRefusal(id);
      if (!reason) continue;
      refuse(id, byRun.get(id)!.length, reason);
      refusedHere += byRun.get(id)!.length;
    }
    const accepted = taken.length - refusedHere;
    this.counters.spans_accepted += accepted;
    return {
      ...result,
      accepted,
      rejected,
      errors,
      // Only a save held for retry is worth a retry; a record that cannot be built is not.
      saved: report.pending === 0,
    };
  }

  private explain(reason: RefusalReason | OwnershipRefusal): string {
    switch (reason) {
      case 'run_spans':
        return `past the limit of ${this.limits.maxSpansPerRun} spans per run`;
      case 'run_events':
        return `past the limit of ${this.limits.maxEventsPerRun} events per run`;
      case 'run_bytes':
        return `past the limit of ${this.limits.maxBytesPerRun} bytes per run`;
      case 'other_trace':
        return 'the run belongs to another trace';
      case 'pipeline_record':
        return "the record was made by this service's pipeline";
      case 'completed_record':
        return 'the record is final and changes only by exact duplicates';
    }
  }

  stats(): OtlpIngestStats {
    return {
      ...this.counters,
      spans_refused: { ...this.refused },
      limits: { ...this.limits },
      record_path: this.assembler.stats(),
    };
  }

  /** Saves pending checkpoints and waits for saves under way. */
  forceFlush(): Promise<void> {
    return this.assembler.forceFlush();
  }

  /** Saves open runs as `incomplete` and stops; resolves with the ids still unsaved. */
  shutdown(): Promise<string[]> {
    return this.assembler.drain();
  }
}
