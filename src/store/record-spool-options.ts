import type { ExecutionRecord } from '../domain/execution-record.js';
import type { RecordOrigin, RecordOwnership } from './record-ownership.js';

/**
 * What became of a save: `saved` (in the store), `pending` (held in the spool and retried),
 * `discarded` (the run was deleted), `failed` (no record could be built), `refused` (the
 * record belongs to another trace or is final; see `RecordOwnership`).
 */
export type SaveOutcome = 'saved' | 'pending' | 'discarded' | 'failed' | 'refused';

/** Options of `RecordSpool`. */
export interface RecordSpoolOptions {
  /** Records held for retry at most; past it the oldest is dropped and logged by id; default 10,000. */
  maxPending?: number;
  /** First retry delay, doubled after each failed retry; default 200 ms. */
  retryInitialMillis?: number;
  /** Longest retry delay; default 30,000 ms. */
  retryMaxMillis?: number;
  /** Told of every record that landed in the store; must not throw. */
  onLanded?: (record: ExecutionRecord, final: boolean) => void;
  /** Checks each save's trace and state before it is written; default none (every save written). */
  ownership?: RecordOwnership;
  /** Where this spool's records come from, for `ownership`; default `pipeline`. */
  origin?: RecordOrigin;
}

/** The spool's counters, for `/health`. */
export interface SpoolStats {
  pending: number;
  pending_since: string | null;
  saves: number;
  save_failures: number;
  retries: number;
  dropped: number;
  /** Saves refused by the ownership check (another trace, a pipeline record, a final record). */
  refused: number;
  last_error: string | null;
  last_error_at: string | null;
}
