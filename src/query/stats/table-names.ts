/** The breakdowns of the study overview, by name (the API's tables and the page's sections). */
export const TABLE_NAMES = [
  'runs_per_day',
  'block_rate_by_level',
  'block_rate_by_config',
  'blocks_by_category',
  'stage_durations',
  'outputs_by_media_type',
  'stillepost_drift',
] as const;
export type TableName = (typeof TABLE_NAMES)[number];
