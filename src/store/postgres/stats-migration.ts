import type { Migration } from './schema-names.js';

/** The columns step 5 adds to `executions`, in `UPSERT_STATS` order after the id. */
export const STATS_COLUMNS = [
  'stats_blocked',
  'stats_block_stage',
  'stats_block_category',
  'stage1_micros',
  'stage2_micros',
  'stage3_micros',
  'stage4_micros',
  'output_media',
  'output_counts',
  'drift',
] as const;

/**
 * Step 5: the study overview's facts of each run (`runFacts`) as columns of its row, so the
 * list filters' SQL and the aggregates read one table (a join on `execution_id` read ~8 buffers
 * a row, as if `toast_tuple_target` moved even the id out of the row). Stage times are columns (one sort
 * each for their percentiles); outputs are parallel media type and count arrays and the Stille
 * Post similarities an array per iteration in millionths, kept in the row (`MAIN`), empty for
 * most runs. `stats_blocked` is null until the facts are written: rows saved before this step
 * are filled by the store when it opens.
 */
export function statsMigration(): Migration {
  return {
    version: 6,
    name: 'study overview: run facts (block, stage times, outputs, drift) on executions',
    sql: `
    ALTER TABLE executions
      ADD COLUMN stats_blocked boolean,
      ADD COLUMN stats_block_stage smallint,
      ADD COLUMN stats_block_category text COLLATE "C",
      ADD COLUMN stage1_micros bigint,
      ADD COLUMN stage2_micros bigint,
      ADD COLUMN stage3_micros bigint,
      ADD COLUMN stage4_micros bigint,
      ADD COLUMN output_media text[] COLLATE "C",
      ADD COLUMN output_counts integer[],
      ADD COLUMN drift integer[];
    ALTER TABLE executions
      ALTER COLUMN stats_block_category SET STORAGE MAIN,
      ALTER COLUMN output_media SET STORAGE MAIN,
      ALTER COLUMN output_counts SET STORAGE MAIN,
      ALTER COLUMN drift SET STORAGE MAIN;`,
  };
}
