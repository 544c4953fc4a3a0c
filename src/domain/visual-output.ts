import type { ExecutionItem } from './execution-item.js';
import type { ExecutionRecord } from './execution-record.js';

/** Media types whose first frame makes a list thumbnail (video: the animated file's first frame). */
const VISUAL_MEDIA_TYPES: readonly string[] = ['image', 'video'];

/**
 * True when `item` is a produced stage 4 image or video output with a file: what a thumbnail
 * is made of.
 * NOTE: the PostgreSQL store asks the same of a row's JSONB (`HAS_IMAGE_PATH`); the store
 * contract tests hold the two in step.
 */
export function isVisualOutput(item: ExecutionItem): boolean {
  return (
    item.stage === 4 &&
    item.item_type.startsWith('output_') &&
    VISUAL_MEDIA_TYPES.includes(item.media_type) &&
    typeof item.file_path === 'string' &&
    item.file_path.length > 0
  );
}

/** The first produced image or video output of a run, or undefined. */
export function firstVisualOutput(record: ExecutionRecord): ExecutionItem | undefined {
  return record.items.find(isVisualOutput);
}
