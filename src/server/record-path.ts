import type { SaveOutcome } from '../store/record-spool.js';

/** The record path, as the routes see it. */
export interface RecordPath {
  /** The outcome of a finished run's final save. */
  whenSaved(executionId: string): Promise<SaveOutcome>;
  /** The outcome of a started run's first save. */
  whenStarted(executionId: string): Promise<SaveOutcome>;
  /** Ends a run's recording before it is deleted. */
  discard(executionId: string): Promise<void>;
}
