import { z } from 'zod';
import { ITEM_TYPES } from '../../src/domain/item-type.js';
import { MEDIA_TYPES } from '../../src/domain/media-type.js';

/** A timestamp as the earlier server's `datetime.isoformat()` wrote it: naive, microseconds. */
const naive = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/);
const str = z.string().nullable();
const int = z.number().int().nullable();

/** An item as the earlier server's dataclass takes it: exactly these keys, no others. */
const Item = z.strictObject({
  backend_used: str,
  config_used: str,
  content: str,
  execution_time: z.number().nullable(),
  file_path: str,
  item_type: z.enum(ITEM_TYPES),
  loop_iteration: int,
  media_type: z.enum(MEDIA_TYPES),
  metadata: z.record(z.string(), z.unknown()),
  model_used: str,
  sequence_number: z.number().int(),
  stage: z.number().int(),
  stage_iteration: int,
  timestamp: naive,
});

/**
 * The platform's record loader, as strict as its `ExecutionRecord(**data)`: exactly the
 * taxonomy-1.0 record keys (an unknown key such as `trace_id` fails, as a dataclass does), the
 * item key `backend_used`, naive timestamps, and the enum values of taxonomy 1.0.
 */
export const Taxonomy10Record = z.strictObject({
  config_name: z.string(),
  execution_id: z.string(),
  execution_mode: z.string(),
  items: z.array(Item),
  safety_level: z.string(),
  session_id: z.string(),
  taxonomy_version: z.literal('1.0'),
  timestamp: naive,
  total_execution_time: z.number().nullable(),
  used_seed: int,
  user_id: z.string(),
});

/** Loads a record as the earlier server's loader would; throws when that loader would fail. */
export function loadTaxonomy10(value: unknown) {
  return Taxonomy10Record.parse(value);
}
