import type { ExecutionItem } from '../domain/execution-item.js';
import type { ExecutionRecord } from '../domain/execution-record.js';
import { isKnownItemType } from '../domain/item-type.js';
import { isKnownMediaType } from '../domain/media-type.js';

/** The value of the `compat` query parameter that asks for the taxonomy-1.0 shape. */
export const COMPAT_VERSION = '1.0';

/** The record keys of taxonomy 1.0, in the order the earlier server wrote them (sorted). */
export const COMPAT_RECORD_KEYS = [
  'config_name',
  'execution_id',
  'execution_mode',
  'items',
  'safety_level',
  'session_id',
  'taxonomy_version',
  'timestamp',
  'total_execution_time',
  'used_seed',
  'user_id',
] as const;

/** The item keys of taxonomy 1.0 (sorted); the backend key is `backend_used`. */
export const COMPAT_ITEM_KEYS = [
  'backend_used',
  'config_used',
  'content',
  'execution_time',
  'file_path',
  'item_type',
  'loop_iteration',
  'media_type',
  'metadata',
  'model_used',
  'sequence_number',
  'stage',
  'stage_iteration',
  'timestamp',
] as const;

export type CompatItem = Record<(typeof COMPAT_ITEM_KEYS)[number], unknown>;
export type CompatRecord = Record<(typeof COMPAT_RECORD_KEYS)[number], unknown> & {
  items: CompatItem[];
};

const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A timestamp as the earlier server wrote it: naive local time with six fraction digits
 * (`2026-11-24T02:51:32.064178`). The offset is dropped, so the wall-clock time of the writing
 * site is kept (the same local time the execution id carries); extra digits are truncated.
 */
export function toNaiveLocal(timestamp: string): string {
  const m = STAMP.exec(timestamp);
  if (!m) return timestamp;
  return `${m[1]}.${((m[2] ?? '') + '000000').slice(0, 6)}`;
}

function compatItem(item: ExecutionItem): CompatItem {
  return {
    backend_used: item.backend_type ?? (item as { backend_used?: unknown }).backend_used ?? null,
    config_used: item.config_used,
    content: item.content,
    execution_time: item.execution_time,
    file_path: item.file_path,
    item_type: item.item_type,
    loop_iteration: item.loop_iteration,
    media_type: item.media_type,
    metadata: item.metadata,
    model_used: item.model_used,
    sequence_number: item.sequence_number,
    stage: item.stage,
    stage_iteration: item.stage_iteration,
    timestamp: toNaiveLocal(item.timestamp),
  };
}

/**
 * The record in exactly the taxonomy-1.0 shape, so the platform's own loader reads it: only
 * the keys that shape has, `backend_used`, naive local timestamps, `taxonomy_version` "1.0".
 * Dropped: `trace_id`, `trace_url`, `status`, unknown extra keys, and items whose item or
 * media type taxonomy 1.0 does not know (the loader rejects them; this project writes none).
 */
export function toCompatRecord(record: ExecutionRecord): CompatRecord {
  return {
    config_name: record.config_name,
    execution_id: record.execution_id,
    execution_mode: record.execution_mode,
    items: record.items
      .filter((i) => isKnownItemType(i.item_type) && isKnownMediaType(i.media_type))
      .map(compatItem),
    safety_level: record.safety_level,
    session_id: record.session_id,
    taxonomy_version: COMPAT_VERSION,
    timestamp: toNaiveLocal(record.timestamp),
    total_execution_time: record.total_execution_time,
    used_seed: record.used_seed,
    user_id: record.user_id,
  };
}
