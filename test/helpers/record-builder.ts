import { ExecutionIdGenerator } from '../../src/domain/execution-id.js';
import type { ExecutionItem } from '../../src/domain/execution-item.js';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { formatMicros } from '../../src/domain/timestamp.js';

const ids = new ExecutionIdGenerator();

/** A small valid record; `overrides` replace top-level fields. */
export function buildRecord(
  overrides: Partial<ExecutionRecord> & { startMillis?: number } = {},
): ExecutionRecord {
  const { startMillis = Date.now(), ...rest } = overrides;
  const timestamp = formatMicros(startMillis * 1000);
  const item = (n: number, item_type: string, stage: number): ExecutionItem => ({
    sequence_number: n,
    timestamp,
    stage,
    stage_iteration: null,
    loop_iteration: null,
    media_type: 'metadata',
    item_type,
    content: null,
    file_path: null,
    config_used: null,
    model_used: null,
    backend_type: null,
    execution_time: null,
    metadata: {},
  });
  return {
    execution_id: ids.next(new Date(startMillis)),
    config_name: 'dada',
    timestamp,
    user_id: 'anonymous',
    session_id: 'default',
    execution_mode: 'eco',
    safety_level: 'kids',
    used_seed: null,
    total_execution_time: 0.5,
    items: [item(1, 'pipeline_start', 0), item(2, 'pipeline_complete', 5)],
    taxonomy_version: '1.1',
    trace_id: null,
    trace_url: null,
    status: 'completed',
    ...rest,
  };
}
