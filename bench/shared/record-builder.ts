import { ExecutionIdGenerator } from '../../src/domain/execution-id.js';
import type { ExecutionItem } from '../../src/domain/execution-item.js';
import type { ExecutionRecord } from '../../src/domain/execution-record.js';
import { formatMicros } from '../../src/domain/timestamp.js';

const ids = new ExecutionIdGenerator();

/** An item with every field unset but its number, type and stage; `extra` replaces fields. */
export function buildItem(
  sequence_number: number,
  item_type: string,
  stage: number,
  extra: Partial<ExecutionItem> = {},
): ExecutionItem {
  return {
    sequence_number,
    timestamp: '2026-01-01T00:00:00.000000+00:00',
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
    ...extra,
  };
}

/** A small valid record; `overrides` replace top-level fields. */
export function buildRecord(
  overrides: Partial<ExecutionRecord> & { startMillis?: number } = {},
): ExecutionRecord {
  const { startMillis = Date.now(), ...rest } = overrides;
  const timestamp = formatMicros(startMillis * 1000);
  const item = (n: number, item_type: string, stage: number): ExecutionItem =>
    buildItem(n, item_type, stage, { timestamp });
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
