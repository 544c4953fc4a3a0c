import type { ExecutionItem } from '../domain/execution-item.js';
import { effectiveStatus, type ExecutionRecord } from '../domain/execution-record.js';
import { RUN_ANALYSIS_COLUMNS } from './run-analysis-columns.js';
import type { TableSpec } from './table-column.js';
import { timestampMicros } from './timestamp-micros.js';

const first = (r: ExecutionRecord, type: string): ExecutionItem | undefined =>
  r.items.find((i) => i.item_type === type);
const count = (r: ExecutionRecord, test: (i: ExecutionItem) => boolean): number =>
  r.items.filter(test).length;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** `runs.csv` / `runs.parquet`: one row per run. */
export const RUNS_TABLE: TableSpec<ExecutionRecord> = {
  name: 'runs',
  row: 'one pipeline run (one execution record)',
  columns: [
    {
      name: 'execution_id',
      type: 'VARCHAR',
      description: 'id of the run; joins items.execution_id',
      values: 'exec_YYYYMMDD_HHMMSS_<8 hex>',
      get: (r) => r.execution_id,
    },
    {
      name: 'config_name',
      type: 'VARCHAR',
      description: 'interception config (schema) of the run',
      values: 'e.g. dada, bauhaus, stillepost, passthrough, image_comparison',
      get: (r) => r.config_name,
    },
    {
      name: 'timestamp',
      type: 'VARCHAR',
      description: 'start of the run as recorded (ISO 8601; legacy records: naive local time)',
      get: (r) => r.timestamp,
    },
    {
      name: 'timestamp_utc',
      type: 'TIMESTAMPTZ',
      description:
        "start of the run as an instant (naive legacy times read as the exporting machine's local time)",
      get: (r) => timestampMicros(r.timestamp),
    },
    {
      name: 'user_id',
      type: 'VARCHAR',
      description: 'user id; with a study key, its study pseudonym (HMAC-SHA256, 64 hex)',
      get: (r) => r.user_id,
    },
    {
      name: 'session_id',
      type: 'VARCHAR',
      description: 'session id; with a study key, its study pseudonym (HMAC-SHA256, 64 hex)',
      get: (r) => r.session_id,
    },
    {
      name: 'execution_mode',
      type: 'VARCHAR',
      description: 'backend choice of the run',
      values: 'eco (local), fast (cloud)',
      get: (r) => r.execution_mode,
    },
    {
      name: 'safety_level',
      type: 'VARCHAR',
      description: 'safety level the run was checked at',
      values: 'kids, youth, adult, research, off',
      get: (r) => r.safety_level,
    },
    {
      name: 'used_seed',
      type: 'BIGINT',
      description: 'generation seed, when one was used',
      get: (r) => r.used_seed,
    },
    {
      name: 'total_execution_time',
      type: 'DOUBLE',
      description: 'wall-clock time of the whole run, seconds',
      get: (r) => r.total_execution_time,
    },
    {
      name: 'status',
      type: 'VARCHAR',
      description: 'outcome (records without a status: derived from the terminal item)',
      values: 'completed, blocked, failed, incomplete',
      get: (r) => effectiveStatus(r),
    },
    {
      name: 'taxonomy_version',
      type: 'VARCHAR',
      description: 'taxonomy the record follows',
      values: '1.0 (earlier server), 1.1 (this project)',
      get: (r) => r.taxonomy_version,
    },
    {
      name: 'trace_id',
      type: 'VARCHAR',
      description: 'OpenTelemetry trace of the run (32 hex); empty for legacy records',
      get: (r) => r.trace_id,
    },
    {
      name: 'items_count',
      type: 'INTEGER',
      description: 'items recorded for the run (rows in items for this execution_id)',
      get: (r) => r.items.length,
    },
    {
      name: 'input_language',
      type: 'VARCHAR',
      description: "language of the child's input",
      values: 'ISO 639-1, e.g. de',
      get: (r) => text(first(r, 'user_input_text')?.metadata.input_language),
    },
    {
      name: 'input_text',
      type: 'VARCHAR',
      freeText: true,
      description: "the child's prompt (first user_input_text)",
      get: (r) => first(r, 'user_input_text')?.content ?? null,
    },
    {
      name: 'translated_text',
      type: 'VARCHAR',
      freeText: true,
      description: 'the prompt after stage 1 translation (first translation_result)',
      get: (r) => first(r, 'translation_result')?.content ?? null,
    },
    {
      name: 'interception_text',
      type: 'VARCHAR',
      freeText: true,
      description: 'the prompt after stage 2 interception (interception_final)',
      get: (r) => first(r, 'interception_final')?.content ?? null,
    },
    {
      name: 'interception_iterations',
      type: 'INTEGER',
      description: 'stage 2 iterations recorded (interception_iteration items; 8 for Stille Post)',
      get: (r) => count(r, (i) => i.item_type === 'interception_iteration'),
    },
    {
      name: 'stage1_blocked',
      type: 'BOOLEAN',
      description: 'stage 1 blocked the input',
      values: 'true, false',
      get: (r) => r.items.some((i) => i.item_type === 'stage1_blocked'),
    },
    {
      name: 'outputs_produced',
      type: 'INTEGER',
      description: 'stage 4 outputs produced (output_* items)',
      get: (r) => count(r, (i) => i.item_type.startsWith('output_')),
    },
    {
      name: 'outputs_blocked',
      type: 'INTEGER',
      description: 'outputs skipped by stage 3 (stage3_blocked items)',
      get: (r) => count(r, (i) => i.item_type === 'stage3_blocked'),
    },
    {
      name: 'input_tokens',
      type: 'BIGINT',
      description: 'model tokens in, summed over the run (token_usage); empty when none reported',
      get: (r) => r.token_usage?.input_tokens ?? null,
    },
    {
      name: 'output_tokens',
      type: 'BIGINT',
      description: 'model tokens out, summed over the run (token_usage); empty when none reported',
      get: (r) => r.token_usage?.output_tokens ?? null,
    },
    {
      name: 'errors',
      type: 'INTEGER',
      description: 'pipeline_error items (a failed backend, with the stage it failed in)',
      get: (r) => count(r, (i) => i.item_type === 'pipeline_error'),
    },
    ...RUN_ANALYSIS_COLUMNS,
  ],
};
