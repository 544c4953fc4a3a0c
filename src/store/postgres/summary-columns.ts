import type { ExecutionRecord } from '../../domain/execution-record.js';
import { serializeRecord } from '../../domain/record-codec.js';
import { indexEntry } from '../record-index.js';
import type { RecordSummary } from '../record-store.js';
import { promptExcerpt, searchTexts } from '../search/search-texts.js';

/** The columns of one `executions` row, in `save_execution` parameter order. */
export type ExecutionRow = [
  id: string,
  startMillis: number,
  timestamp: string,
  configName: string,
  status: string,
  executionMode: string,
  safetyLevel: string,
  userId: string,
  sessionId: string,
  itemsCount: number,
  totalExecutionTime: number | null,
  traceId: string | null,
  bytes: number,
  body: string,
  record: string | null,
];

/** Column names of `ExecutionRow`, in the same order. */
export const ROW_COLUMNS = [
  'execution_id',
  'start_millis',
  '"timestamp"',
  'config_name',
  'status',
  'execution_mode',
  'safety_level',
  'user_id',
  'session_id',
  'items_count',
  'total_execution_time',
  'trace_id',
  'bytes',
  'body',
  'record',
] as const;

/** What JSONB cannot hold: a NUL character or a lone surrogate (written escaped by JSON.stringify). */
const NOT_JSONB = /\\u0000|\\ud[89a-f][0-9a-f]{2}/i;

/**
 * The row of a record: summary values computed exactly as the file store's index does
 * (effective status, start time parsed in this process's time zone) and the canonical text.
 */
export function toRow(record: ExecutionRecord): ExecutionRow {
  const body = serializeRecord(record);
  const bytes = Buffer.byteLength(body);
  const { summary: s, startMillis } = indexEntry(record, bytes, false);
  return [
    s.execution_id,
    startMillis,
    s.timestamp,
    s.config_name,
    s.status,
    s.execution_mode,
    s.safety_level,
    s.user_id,
    s.session_id,
    s.items_count,
    s.total_execution_time,
    s.trace_id,
    bytes,
    body,
    NOT_JSONB.test(body) ? null : body,
  ];
}

/** What the search columns of a row are made of: original, translation, final prompt, excerpt. */
export type SearchRow = [
  original: string | null,
  translation: string | null,
  finalPrompt: string | null,
  promptExcerpt: string | null,
];

/** The search columns' inputs of a record, from the texts the file store's index searches. */
export function toSearchRow(record: ExecutionRecord): SearchRow {
  const texts = searchTexts(record);
  return [texts.original, texts.translation, texts.finalPrompt, promptExcerpt(texts)];
}

/** The stored columns of a summary, in its order. */
const SUMMARY_COLUMNS = [
  'execution_id',
  'config_name',
  '"timestamp"',
  'status',
  'execution_mode',
  'safety_level',
  'user_id',
  'session_id',
  'items_count',
  'total_execution_time',
  'trace_id',
  'prompt_excerpt',
];

/**
 * The columns a listing selects for its page `p`: the summary's and `record`, a pointer until
 * `PAGE_SELECT` reads it for the rows of the page only (no other row's record is read).
 */
export const SUMMARY_SELECT = [...SUMMARY_COLUMNS, 'record'].join(', ');

/**
 * `isVisualOutput` as an SQL/JSON path: a stage 4 image or video output with a file.
 * NOTE: a record PostgreSQL holds only as text (`record` NULL: a NUL character or a lone
 * surrogate) counts as without an image.
 */
const HAS_IMAGE_PATH =
  '$.items[*] ? (@.stage == 4 && @.item_type starts with "output_" && ' +
  '(@.media_type == "image" || @.media_type == "video") && ' +
  '@.file_path.type() == "string" && @.file_path != "")';

/** The select list that `fromSummaryRow` reads, from a page `p` selected with `SUMMARY_SELECT`. */
export const PAGE_SELECT =
  `${SUMMARY_COLUMNS.map((c) => `p.${c}`).join(', ')}, ` +
  `coalesce(jsonb_path_exists(p.record, '${HAS_IMAGE_PATH}'), false) AS has_image`;

/** A summary row as the driver returns it: the summary's columns, in the select's order. */
export type SummaryRow = RecordSummary;

/** The `RecordSummary` of a row, keys in the order the file store's index gives them. */
export function fromSummaryRow(row: SummaryRow): RecordSummary {
  return {
    execution_id: row.execution_id,
    config_name: row.config_name,
    timestamp: row.timestamp,
    status: row.status,
    execution_mode: row.execution_mode,
    safety_level: row.safety_level,
    user_id: row.user_id,
    session_id: row.session_id,
    items_count: row.items_count,
    total_execution_time: row.total_execution_time,
    trace_id: row.trace_id,
    prompt_excerpt: row.prompt_excerpt,
    has_image: row.has_image,
  };
}
