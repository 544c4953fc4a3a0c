import { z } from 'zod';
import { EXECUTION_ID_PATTERN, EXECUTION_ID_RULE } from './execution-id.js';
import { ExecutionItemSchema } from './execution-item.js';
import { RUN_DEFAULTS } from './run-defaults.js';
import { TimestampSchema } from './timestamp.js';
import { TokenUsageSchema } from './token-usage.js';

/** The taxonomy version of the records this project writes (1.0 plus additive fields). */
export const TAXONOMY_VERSION = '1.1';

/** Run outcomes; `incomplete` marks a record saved while the run was still going or died. */
export const RECORD_STATUSES = ['completed', 'blocked', 'failed', 'incomplete'] as const;
export const RecordStatusSchema = z.enum(RECORD_STATUSES);
export type RecordStatus = z.infer<typeof RecordStatusSchema>;

/** The research record of one pipeline run; unknown extra keys are kept. */
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
  trace_id: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex digits')
    .nullable()
    .default(null),
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
