import type { SaveOutcome } from '../store/record-spool.js';
import type { RunSubject } from '../telemetry/record/execution-record-exporter.js';

/** The record path, as the routes see it. */
export interface RecordPath {
  /** The outcome of a finished run's final save. */
  whenSaved(executionId: string): Promise<SaveOutcome>;
  /** The outcome of a started run's first save. */
  whenStarted(executionId: string): Promise<SaveOutcome>;
  /** Ends a run's recording before it is deleted, in every assembler (in-process and ingest). */
  discard(executionId: string): Promise<void>;
  /** Ids of a subject's runs not (yet) in the store: open in an assembler or held in a spool. */
  pendingIds?(subject: RunSubject): string[];
}
