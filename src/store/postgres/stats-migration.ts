import type { Migration } from './migrations.js';

/**
 * Step 5: the study overview's facts of each run (`runFacts`), one row per run in
 * `execution_stats`, removed with the run. Arrays hold what a run has several of: per stage
 * 1–4 its microseconds, outputs as parallel media type and count arrays, the Stille Post
 * similarity of each iteration in millionths. Rows of runs saved before this step are written
 * by the store when it opens (runs without a row).
 * NOTE: no column shares a name with `executions`, so the list filters' SQL applies unchanged
 * to a join of both.
 */
export function statsMigration(): Migration {
  return {
    version: 5,
    name: 'study overview: execution_stats (block, stage times, outputs, drift per run)',
    sql: `
    CREATE TABLE execution_stats (
      execution_id text COLLATE "C" PRIMARY KEY
        REFERENCES executions (execution_id) ON DELETE CASCADE,
      blocked boolean NOT NULL,
      block_stage smallint,
      block_category text,
      stage_micros bigint[] NOT NULL,
      output_media text[] NOT NULL,
      output_counts integer[] NOT NULL,
      drift integer[] NOT NULL
    );`,
  };
}
