import type { ExportResult } from '@opentelemetry/core';
import type { ExecutionRecord } from '../../domain/execution-record.js';
import type { RecordOrigin, RecordOwnership } from '../../store/record-ownership.js';
import type { RecordSpoolOptions, SaveOutcome, SpoolStats } from '../../store/record-spool.js';
import type { RecordStore } from '../../store/record-store.js';
import type { RunBufferOptions } from './run-buffer.js';
import type { SpanRefusal } from './run-limits.js';

/** Options of `RunAssembler`. */
export interface RunAssemblerOptions
  extends RunBufferOptions, Omit<RecordSpoolOptions, 'onLanded'> {
  store: RecordStore;
  /** Builds the link to a trace in Jaeger's UI; default: no link. */
  traceUrl?: (traceId: string) => string | null;
  /** Told of every record that landed in the store (final or checkpoint); must not throw. */
  onSaved?: (record: ExecutionRecord, final: boolean) => void;
  /** Told once per run when its final record is saved, held for retry or discarded; must not throw. */
  onFinished?: (executionId: string, status: string, outcome: SaveOutcome) => void;
  /** Told when a discarded (deleted) run's last span ended, so its media can go again. */
  onDiscardedRunEnded?: (executionId: string) => void;
  /** How long shutdown retries held records; default 5,000 ms. */
  shutdownFlushMillis?: number;
  /** Which trace owns each record, shared by every assembler of one store; default its own. */
  ownership?: RecordOwnership;
  /** Where this assembler's spans come from; default `pipeline`. */
  origin?: RecordOrigin;
  /** Finished runs whose state stays in memory for late spans; default 256 (older: read back). */
  finishedStatesKept?: number;
}

/** What one batch of spans came to: the export result, and the spans refused (limits, trace). */
export interface ExportReport {
  result: ExportResult;
  refused: SpanRefusal[];
  /** Saves held for retry (the store failing): worth sending again. */
  pending: number;
}

/** Whose open runs to find (`pendingIds`): exactly one of a user id or a session id. */
export interface RunSubject {
  userId?: string;
  sessionId?: string;
}

/** Counters for health checks. */
export interface RecordPathStats extends SpoolStats {
  records_saved: number;
  checkpoints_saved: number;
  late_spans_merged: number;
  runs_evicted: number;
  buffered_runs: number;
  /**
   * Spans held by open runs, and their estimated bytes (see `estimateSpanBytes`; estimated only
   * where a byte bound is set, as for OTLP ingest, else 0).
   */
  buffered_spans: number;
  buffered_bytes: number;
  /** Spans refused for a run's limits or for another trace. */
  spans_refused: number;
}
