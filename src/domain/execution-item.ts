import { z } from 'zod';
import { TimestampSchema } from './timestamp.js';

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
export const ExecutionItemSchema = z.preprocess(
  normalizeLegacyItem,
  z.looseObject({
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
  }),
);
export type ExecutionItem = z.infer<typeof ExecutionItemSchema>;
