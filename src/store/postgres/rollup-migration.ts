import { FACETS_VIEW, ROLLUP_HELPERS, ROLLUP_SAVE_DELETE, ROLLUP_UPKEEP } from './rollup-sql.js';
import type { Migration } from './schema-names.js';

/**
 * Step 7: the study overview's rollup. A run counts in the overview once its final state is
 * saved (status not `incomplete`): `stats_day` is its local day (in `stats_meta.zone`, the
 * time zone of the worker that built the rollup), and `stats_rollup` holds per local day,
 * config, level, status, study, condition and facet (`run`; `block` per stage and category;
 * `stage` per stage, with a histogram of `stats_bucket`s; `media` per media type; `drift` per
 * round) the runs, blocked runs, a sum, and the set of users as a bit string (one bit per user
 * in `stats_users`), so distinct users of any union of rows are one `bit_count` of their OR.
 * `save_execution` (now taking the facts) and `delete_execution` keep it right in their own
 * transaction; the store fills it when it opens (`stats_rollup_rebuild`).
 * NOTE: a function (not a constant), as `MIGRATIONS` and this module import each other.
 * NOTE: every worker of one database must run this version: a worker of an earlier one calls
 * the 19-argument `save_execution`, whose saves the rollup does not see (not counted, or counted
 * as before) until `stats_rollup_rebuild` runs.
 */
export function rollupMigration(): Migration {
  return {
    version: 7,
    name: 'study overview rollup (per local day, filters, facet; users as bit strings)',
    sql: `
    ALTER TABLE executions ADD COLUMN stats_day date;
    CREATE INDEX executions_stats_key ON executions
      (stats_day, config_name, safety_level, status) WHERE stats_day IS NOT NULL;
    CREATE TABLE stats_meta (
      only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
      zone text NOT NULL
    );
    CREATE SEQUENCE stats_user_bit MINVALUE 0 START 0;
    CREATE TABLE stats_users (
      user_id text COLLATE "C" PRIMARY KEY,
      bit integer NOT NULL UNIQUE DEFAULT nextval('stats_user_bit')
    );
    CREATE TABLE stats_rollup (
      day date NOT NULL,
      config_name text COLLATE "C" NOT NULL,
      safety_level text COLLATE "C" NOT NULL,
      status text NOT NULL,
      study_id text,
      condition text,
      kind text NOT NULL,
      n integer NOT NULL,
      label text COLLATE "C" NOT NULL,
      runs integer NOT NULL,
      blocked integer NOT NULL,
      total bigint NOT NULL,
      users varbit NOT NULL,
      hist_buckets integer[],
      hist_counts integer[],
      UNIQUE NULLS NOT DISTINCT
        (day, config_name, safety_level, status, study_id, condition, kind, n, label)
    );
    ${ROLLUP_HELPERS}
    ${FACETS_VIEW}
    ${ROLLUP_UPKEEP}
    ${ROLLUP_SAVE_DELETE}`,
  };
}
