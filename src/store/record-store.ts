import { EXECUTION_ID_RULE, isExecutionId } from '../domain/execution-id.js';
import type { ExecutionRecord } from '../domain/execution-record.js';

/** Filters and page of a `RecordStore.list` call; every filter is optional. */
export interface RecordQuery {
  configName?: string;
  /** Runs started at or after this instant (epoch ms). */
  sinceMillis?: number;
  /** Runs started at or before this instant (epoch ms). */
  untilMillis?: number;
  status?: string;
  safetyLevel?: string;
  userId?: string;
  sessionId?: string;
  /** Runs whose user id starts with this (case-sensitive). */
  userIdPrefix?: string;
  /** Runs whose session id starts with this (case-sensitive). */
  sessionIdPrefix?: string;
  /**
   * Words to find in the child's prompt, its translation and the final prompt (German and
   * English stems, every word must match); the page is then ranked best match first.
   */
  text?: string;
  /** Only runs with one of these ids (a selection). */
  executionIds?: readonly string[];
  /** Runs of this study (`study_id` of the record). */
  studyId?: string;
  /** Runs of this study condition (`condition` of the record). */
  condition?: string;
  /** Page size; default 50. */
  limit?: number;
  /** Records to skip; default 0. */
  offset?: number;
}

/** What a listing shows of one record, without reading its file. */
export interface RecordSummary {
  execution_id: string;
  config_name: string;
  timestamp: string;
  status: string;
  execution_mode: string;
  safety_level: string;
  user_id: string;
  session_id: string;
  items_count: number;
  total_execution_time: number | null;
  trace_id: string | null;
  /** The start of the child's prompt, where the record holds it (see `promptExcerpt`). */
  prompt_excerpt: string | null;
  /**
   * True when the run has a produced image or video output with a file (see `isVisualOutput`):
   * the one its list thumbnail is made of.
   */
  has_image: boolean;
}

/** One page of a listing, newest first, and how many records match in all. */
export interface RecordPage {
  records: RecordSummary[];
  total: number;
}

/** What the store holds. */
export interface StoreStats {
  records: number;
  bytes: number;
  /** Files in the directory that are not readable records (corrupt, foreign, misnamed). */
  unreadable: number;
  unreadable_files: string[];
  oldest: string | null;
  newest: string | null;
}

/** A save or delete seen by a store that can tell other workers' changes (`RecordStore.watch`). */
export interface RecordChange {
  kind: 'saved' | 'deleted';
  executionId: string;
  /** The record's effective status after a save; null for a delete. */
  status: string | null;
}

/** Where ExecutionRecords live. */
export interface RecordStore {
  /** Saves (or replaces) the record under its `execution_id`; atomic. */
  save(record: ExecutionRecord): Promise<void>;
  /** The record, or null when there is none with that id. */
  get(executionId: string): Promise<ExecutionRecord | null>;
  list(query?: RecordQuery): Promise<RecordPage>;
  /** True when a record was deleted. */
  delete(executionId: string): Promise<boolean>;
  stats(): Promise<StoreStats>;
  /** Calls `listener` on every save and delete, by any worker; returns the unsubscribe. */
  watch?(listener: (change: RecordChange) => void): () => void;
  /** Releases connections; the store is unusable afterwards. */
  close?(): Promise<void>;
}

/** An id that does not match the execution id pattern; never turned into a path. */
export class InvalidExecutionIdError extends Error {
  override readonly name = 'InvalidExecutionIdError';
  constructor(readonly executionId: string) {
    super(`invalid execution id ${JSON.stringify(executionId.slice(0, 80))}: ${EXECUTION_ID_RULE}`);
  }
}

/** `executionId` when it is a well-formed execution id; an `InvalidExecutionIdError` otherwise. */
export function requireExecutionId(executionId: string): string {
  if (!isExecutionId(executionId)) throw new InvalidExecutionIdError(String(executionId));
  return executionId;
}
