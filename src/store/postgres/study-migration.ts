import type { Migration } from './schema-names.js';

/**
 * The top-level `"<key>": "<value>"` line of a record's canonical text (2-space indent, keys
 * sorted; a study label never needs escaping), for the rare row whose `record` is NULL.
 */
const bodyValue = (key: string): string =>
  `substring(body from E'\\n  "${key}": "([^"\\\\\\\\]*)"')`;

/**
 * Step 5: `study_id` and `condition` of a record as columns, generated from the stored record
 * (so every worker's `save_execution` fills them, and rows saved before this step get them
 * at once), each leading a partial index for the study filters.
 * NOTE: a function (not a constant), as `MIGRATIONS` and this module import each other.
 */
export function studyMigration(): Migration {
  const column = (key: string) =>
    `${key} text GENERATED ALWAYS AS (CASE WHEN record IS NOT NULL THEN record ->> '${key}' ` +
    `ELSE ${bodyValue(key)} END) STORED`;
  return {
    version: 5,
    name: 'study and condition columns (generated from the record), their indexes',
    sql: `
    ALTER TABLE executions ADD COLUMN ${column('study_id')}, ADD COLUMN ${column('condition')};
    CREATE INDEX executions_study_id ON executions (study_id, start_millis DESC, execution_id DESC)
      WHERE study_id IS NOT NULL;
    CREATE INDEX executions_condition ON executions (condition, start_millis DESC, execution_id DESC)
      WHERE condition IS NOT NULL;`,
  };
}
