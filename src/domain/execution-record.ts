import { z } from 'zod';
import { EXECUTION_ID_PATTERN, EXECUTION_ID_RULE } from './execution-id.js';
import { ExecutionItemSchema, isText } from './execution-item.js';
import { RUN_DEFAULTS } from './run-defaults.js';
import { TIMESTAMP_PATTERN, TimestampSchema } from './timestamp.js';
import { TokenUsageSchema } from './token-usage.js';

/** The taxonomy version of the records this project writes (1.0 plus additive fields). */
export const TAXONOMY_VERSION = '1.1';

/** Run outcomes; `incomplete` marks a record saved while the run was still going or died. */
export const RECORD_STATUSES = ['completed', 'blocked', 'failed', 'incomplete'] as const;
export const RecordStatusSchema = z.enum(RECORD_STATUSES);
export type RecordStatus = z.infer<typeof RecordStatusSchema>;

/** The research record of one pipeline run; unknown extra keys are kept. */
const TRACE_ID = /^[0-9a-f]{32}$/;

export const ExecutionRecordSchema = z.looseObject({
  execution_id: z.string().regex(EXECUTION_ID_PATTERN, EXECUTION_ID_RULE),
  config_name: z.string(),
  timestamp: TimestampSchema,
  user_id: z.string().default(RUN_DEFAULTS.userId),
  session_id: z.string().default(RUN_DEFAULTS.sessionId),
  execution_mode: z.string(),
  safety_level: z.string(),
  used_seed: z.number().int().nullable().default(null),
  total_execution_time: z.number().nonnegative().nullable().default(null),
  items: z.array(ExecutionItemSchema),
  taxonomy_version: z.string().default('1.0'),
  trace_id: z.string().regex(TRACE_ID, 'expected 32 lowercase hex digits').nullable().default(null),
  trace_url: z.string().nullable().default(null),
  /** Null in records written before this field (see `effectiveStatus`). */
  status: RecordStatusSchema.nullable().default(null),
  /** Model token totals of the run (`tokenUsage` of its items); absent when none reported. */
  token_usage: TokenUsageSchema.optional(),
  /** The study the run belongs to (execute request `study_id`); absent when none was named. */
  study_id: z.string().optional(),
  /** The study condition (arm) of the run; absent when none was named. */
  condition: z.string().optional(),
});
export type ExecutionRecord = z.infer<typeof ExecutionRecordSchema>;

/** A record's fields besides its items and token totals. */
export const RecordHeadSchema = ExecutionRecordSchema.omit({ items: true, token_usage: true });
export type RecordHead = z.infer<typeof RecordHeadSchema>;

const isString = (v: unknown): boolean => typeof v === 'string';
const isOptionalString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const HEAD_KEYS: ReadonlySet<string> = new Set(Object.keys(RecordHeadSchema.shape));

/**
 * True when `value` is a record head exactly as `RecordHeadSchema` would give it back: every
 * field present with its type, no default to fill, no other key. A fast check for heads the
 * record path builds itself (kept in step with the schema by a test); anything else goes
 * through the schema.
 */
export function isCanonicalHead(v: Record<string, unknown>): boolean {
  const seed = v.used_seed;
  const time = v.total_execution_time;
  for (const key in v) if (!HEAD_KEYS.has(key)) return false;
  return (
    typeof v.execution_id === 'string' &&
    EXECUTION_ID_PATTERN.test(v.execution_id) &&
    isString(v.config_name) &&
    typeof v.timestamp === 'string' &&
    TIMESTAMP_PATTERN.test(v.timestamp) &&
    isString(v.user_id) &&
    isString(v.session_id) &&
    isString(v.execution_mode) &&
    isString(v.safety_level) &&
    (seed === null || Number.isSafeInteger(seed)) &&
    (time === null || (Number.isFinite(time) && (time as number) >= 0)) &&
    isString(v.taxonomy_version) &&
    (v.trace_id === null || (typeof v.trace_id === 'string' && TRACE_ID.test(v.trace_id))) &&
    isText(v.trace_url) &&
    (v.status === null || RECORD_STATUSES.includes(v.status as RecordStatus)) &&
    isOptionalString(v.study_id) &&
    isOptionalString(v.condition)
  );
}

/**
 * The status a record stands for: its own `status`, or for records written before that field,
 * what its terminal item says.
 */
export function effectiveStatus(record: Pick<ExecutionRecord, 'status' | 'items'>): RecordStatus {
  if (record.status) return record.status;
  const types = new Set(record.items.map((i) => i.item_type));
  if (types.has('pipeline_error')) return 'failed';
  if (types.has('stage1_blocked')) return 'blocked';
  if (types.has('pipeline_complete')) return 'completed';
  return 'incomplete';
}
