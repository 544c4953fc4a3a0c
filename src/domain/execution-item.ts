import { z } from 'zod';
import { TIMESTAMP_PATTERN, TimestampSchema } from './timestamp.js';

const nullableString = z.string().nullable().default(null);
const nullableIndex = z.number().int().nonnegative().nullable().default(null);

/** Renames the earlier server's `backend_used` to `backend_type` without losing either value. */
function normalizeLegacyItem(input: unknown): unknown {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
  const item = input as Record<string, unknown>;
  if (!('backend_used' in item)) return item;
  const { backend_used: legacy, ...rest } = item;
  if (!('backend_type' in rest) || rest.backend_type === null || rest.backend_type === legacy) {
    return { ...rest, backend_type: rest.backend_type ?? legacy };
  }
  return item; // both present and different: keep both, nothing is lost
}

/**
 * One recorded step of a run. Unknown item and media types are accepted (and reported by
 * `parseRecord`), and unknown extra keys are kept.
 */
const ItemObjectSchema = z.looseObject({
  sequence_number: z.number().int().positive(),
  timestamp: TimestampSchema,
  stage: z.number().int().nonnegative(),
  stage_iteration: nullableIndex,
  loop_iteration: nullableIndex,
  media_type: z.string().min(1),
  item_type: z.string().min(1),
  content: nullableString,
  file_path: nullableString,
  config_used: nullableString,
  model_used: nullableString,
  backend_type: nullableString,
  execution_time: z.number().nonnegative().nullable().default(null),
  metadata: z
    .record(z.string(), z.unknown())
    .nullable()
    .default({})
    .transform((m) => m ?? {}),
});
export const ExecutionItemSchema = z.preprocess(normalizeLegacyItem, ItemObjectSchema);
export type ExecutionItem = z.infer<typeof ExecutionItemSchema>;

/** The fields of an item, sorted (the order of its canonical JSON). */
export const ITEM_FIELDS: readonly (keyof ExecutionItem)[] = (
  Object.keys(ItemObjectSchema.shape) as (keyof ExecutionItem)[]
).sort();

const isIndex = (v: unknown): boolean =>
  v === null || (Number.isSafeInteger(v) && (v as number) >= 0);
/** A string or null. */
export const isText = (v: unknown): boolean => v === null || typeof v === 'string';

/**
 * True when `value` is an item exactly as `ExecutionItemSchema` would give it back: every field
 * present with its type, nothing to default or rename (no `backend_used`). A fast check for items
 * the record path decoded itself; anything else goes through the schema.
 * NOTE: kept in step with the schema by a test that runs both on the same values.
 */
export function isCanonicalItem(value: unknown): value is ExecutionItem {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const i = value as Record<string, unknown>;
  const m = i.metadata;
  return (
    Number.isSafeInteger(i.sequence_number) &&
    (i.sequence_number as number) > 0 &&
    typeof i.timestamp === 'string' &&
    TIMESTAMP_PATTERN.test(i.timestamp) &&
    Number.isSafeInteger(i.stage) &&
    (i.stage as number) >= 0 &&
    isIndex(i.stage_iteration) &&
    isIndex(i.loop_iteration) &&
    typeof i.media_type === 'string' &&
    i.media_type.length > 0 &&
    typeof i.item_type === 'string' &&
    i.item_type.length > 0 &&
    isText(i.content) &&
    isText(i.file_path) &&
    isText(i.config_used) &&
    isText(i.model_used) &&
    isText(i.backend_type) &&
    (i.execution_time === null ||
      (Number.isFinite(i.execution_time) && (i.execution_time as number) >= 0)) &&
    m !== null &&
    typeof m === 'object' &&
    Object.getPrototypeOf(m) === Object.prototype &&
    !('backend_used' in i)
  );
}
