import type { ExecutionItem } from '../domain/execution-item.js';
import { itemTokens } from '../domain/token-usage.js';
import type { MediaLink } from './bundle-media.js';
import type { TableSpec } from './table-column.js';
import { timestampMicros } from './timestamp-micros.js';

/** An item with the id of its run. */
export interface ItemRow {
  execution_id: string;
  item: ExecutionItem;
  /** The item's file in the bundle, when the bundle holds media; default none. */
  media?: MediaLink | null;
}

/** `items.csv` / `items.parquet`: one row per recorded item. */
export const ITEMS_TABLE: TableSpec<ItemRow> = {
  name: 'items',
  row: 'one recorded step (item) of a run, in sequence order',
  columns: [
    {
      name: 'execution_id',
      type: 'VARCHAR',
      description: 'the run; joins runs.execution_id',
      get: (r) => r.execution_id,
    },
    {
      name: 'sequence_number',
      type: 'INTEGER',
      description: 'position in the run, 1-based, global within the run',
      get: (r) => r.item.sequence_number,
    },
    {
      name: 'timestamp',
      type: 'VARCHAR',
      description: 'when the item was recorded, as recorded (ISO 8601, microseconds)',
      get: (r) => r.item.timestamp,
    },
    {
      name: 'timestamp_utc',
      type: 'TIMESTAMPTZ',
      description:
        "the same as an instant (naive legacy times read as the exporting machine's local time)",
      get: (r) => timestampMicros(r.item.timestamp),
    },
    {
      name: 'stage',
      type: 'INTEGER',
      description: 'pipeline stage',
      values:
        '0 start, 1 safety + translation, 2 interception, 3 safety before output, 4 generation, 5 complete',
      get: (r) => r.item.stage,
    },
    {
      name: 'stage_iteration',
      type: 'INTEGER',
      description: 'stage 2 iteration, 1..N (Stille Post); empty elsewhere',
      get: (r) => r.item.stage_iteration,
    },
    {
      name: 'loop_iteration',
      type: 'INTEGER',
      description: 'output config index in the stage 3-4 loop, 1..N; empty elsewhere',
      get: (r) => r.item.loop_iteration,
    },
    {
      name: 'media_type',
      type: 'VARCHAR',
      description: 'medium of the item',
      values: 'text, image, audio, music, video, 3d, metadata',
      get: (r) => r.item.media_type,
    },
    {
      name: 'item_type',
      type: 'VARCHAR',
      description: 'what the item records (taxonomy 1.0)',
      values:
        'user_input_text, user_input_image, translation_result, stage1_safety_check, stage1_safety_check_image, stage1_blocked, interception_iteration, interception_final, stage3_safety_check, stage3_blocked, output_image, output_audio, output_music, output_video, output_3d, pipeline_start, pipeline_complete, pipeline_error, stage_transition',
      get: (r) => r.item.item_type,
    },
    {
      name: 'content',
      type: 'VARCHAR',
      freeText: true,
      description:
        'text of the item: prompt, translation, interception, block explanation, error message',
      get: (r) => r.item.content,
    },
    {
      name: 'content_chars',
      type: 'INTEGER',
      description: 'length of content in characters (kept when free text is omitted)',
      get: (r) => (r.item.content === null ? null : [...r.item.content].length),
    },
    {
      name: 'file_path',
      type: 'VARCHAR',
      description: 'where the produced medium is stored (outputs)',
      get: (r) => r.item.file_path,
    },
    {
      name: 'config_used',
      type: 'VARCHAR',
      description: 'config of the step',
      values: 'e.g. dada, sd35_large',
      get: (r) => r.item.config_used,
    },
    {
      name: 'model_used',
      type: 'VARCHAR',
      description: 'model of the step',
      get: (r) => r.item.model_used,
    },
    {
      name: 'backend_type',
      type: 'VARCHAR',
      description: 'backend of the step (legacy key backend_used)',
      values: 'e.g. offline, ollama, openrouter, comfyui',
      get: (r) => r.item.backend_type,
    },
    {
      name: 'execution_time',
      type: 'DOUBLE',
      description: 'time of the step, seconds',
      get: (r) => r.item.execution_time,
    },
    {
      name: 'input_tokens',
      type: 'BIGINT',
      description:
        'model tokens in of the step (metadata input_tokens); empty when not a model call',
      get: (r) => itemTokens(r.item).input,
    },
    {
      name: 'output_tokens',
      type: 'BIGINT',
      description:
        'model tokens out of the step (metadata output_tokens); empty when not a model call',
      get: (r) => itemTokens(r.item).output,
    },
    {
      name: 'metadata',
      type: 'VARCHAR',
      description:
        "the item's metadata as a JSON object (keys sorted as recorded): languages, safety decisions and found terms, block codes, generation parameters, outcome counts",
      get: (r) => JSON.stringify(r.item.metadata),
    },
    {
      name: 'media_file',
      type: 'VARCHAR',
      description:
        "the output's file in this bundle (media/<sha256>.<ext>, content-addressed); empty without media or when left out (media_status)",
      get: (r) => r.media?.file ?? null,
    },
    {
      name: 'media_sha256',
      type: 'VARCHAR',
      description: "SHA-256 of the output's file (64 hex), when it was found",
      get: (r) => r.media?.sha256 ?? null,
    },
    {
      name: 'media_status',
      type: 'VARCHAR',
      description:
        "whether the output's file is in the bundle; empty when media were not asked for",
      values:
        'included, missing (not in the media folder), over_limit (past the bundle media limit)',
      get: (r) => r.media?.status ?? null,
    },
  ],
};
