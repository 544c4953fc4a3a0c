import type { RunLimits } from '../telemetry/record/run-limits.js';

/** The bounds of OTLP ingest: per run, in total, and how long a sender is asked to wait. */
export interface IngestLimits extends Required<RunLimits> {
  /** Runs open in the ingest buffer at most (the oldest is saved as incomplete past it). */
  maxBufferedRuns: number;
  /** A run not seen for this long is saved as incomplete and dropped from memory. */
  incompleteRunTimeoutMillis: number;
  /** `Retry-After` (and gRPC `RetryInfo`) of an export refused while the buffer is full. */
  retryAfterSeconds: number;
}

/**
 * The defaults: far above what a pipeline run sends (tens of spans, hundreds of items, a few
 * hundred KiB), and a total that keeps the buffer's memory near 256 MiB (estimated).
 */
export const INGEST_LIMIT_DEFAULTS: Readonly<IngestLimits> = {
  maxSpansPerRun: 10_000,
  maxEventsPerRun: 20_000,
  maxBytesPerRun: 32 * 1024 * 1024,
  maxBufferedBytes: 256 * 1024 * 1024,
  maxBufferedRuns: 10_000,
  incompleteRunTimeoutMillis: 15 * 60_000,
  retryAfterSeconds: 5,
};
